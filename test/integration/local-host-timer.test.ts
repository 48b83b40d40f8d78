import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Timer } from '@azure/functions';
import { startTestHost, type TestHost } from '../helpers/host';
import { waitFor } from '../helpers/wait';
import { received, resetProbe } from '../fixtures/probe';

describe('local host: timer-triggered functions', () => {
  let t: TestHost;
  before(async () => {
    resetProbe();
    t = await startTestHost('timer-app', { appSettings: { TICK_SCHEDULE: '*/1 * * * * *' } });
  });
  after(async () => {
    await t.close();
  });

  it('fires on its 6-field NCRONTAB schedule (resolved from an app setting), on second boundaries', async () => {
    const ticks = await waitFor('three ticks', () => {
      const all = received.filter((r) => r.function === 'tick');
      return all.length >= 3 ? all : undefined;
    });
    for (const tick of ticks) {
      const timer = tick.input as Timer;
      assert.equal(timer.isPastDue, false);
      assert.equal(timer.schedule.adjustForDST, true);
      const last = Date.parse(timer.scheduleStatus.last);
      const next = Date.parse(timer.scheduleStatus.next);
      assert.equal(last % 1000, 0, 'scheduled occurrences fall on whole seconds');
      assert.ok(next > last, 'next occurrence after the last');
    }
  });
});
