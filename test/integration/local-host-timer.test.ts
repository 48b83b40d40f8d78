import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Timer } from '@azure/functions';
import { FUNCTION_KEY, MASTER_KEY, startTestHost, type TestHost } from '../helpers/host';
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

describe('local host: the admin API', () => {
  it('runs a timer function now on POST /admin/functions/{name} with the master key, as Azure does', async () => {
    // A second host whose timer would next fire on 1 January: any run now is the one asked for.
    const yearly = await startTestHost('timer-app', { appSettings: { TICK_SCHEDULE: '0 0 0 1 1 *' } });
    try {
      resetProbe();
      const run = (name: string, key?: string) =>
        fetch(`${yearly.host.url}/admin/functions/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { 'x-functions-key': key } : {}) },
          body: '{}',
        });
      assert.equal((await run('tick')).status, 401);
      assert.equal((await run('tick', FUNCTION_KEY)).status, 401, 'the function key is not enough');
      assert.equal((await run('nothing', MASTER_KEY)).status, 404);
      assert.equal(received.length, 0);
      assert.equal((await run('tick', MASTER_KEY)).status, 202);
      await waitFor('the run asked for', () => received.some((r) => r.function === 'tick'));
    } finally {
      await yearly.close();
    }
  });
});
