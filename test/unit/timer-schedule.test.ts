import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSchedule } from '../../local/host/timer-trigger';

describe('parseSchedule (NCRONTAB)', () => {
  it('evaluates six fields in UTC', () => {
    const job = parseSchedule('0 */5 * * * *');
    const next = job.nextRun(new Date('2026-03-29T00:58:30Z'));
    assert.equal(next?.toISOString(), '2026-03-29T01:00:00.000Z');
  });

  it('requires day-of-month and day-of-week to both match, as NCRONTAB does', () => {
    // The 13th that is a Friday: 2026-02-13 is the first after 2026-01-01.
    const next = parseSchedule('0 0 9 13 * Fri').nextRun(new Date('2026-01-01T00:00:00Z'));
    assert.equal(next?.toISOString(), '2026-02-13T09:00:00.000Z');
  });

  it('refuses five-field cron and TimeSpan schedules with a clear message', () => {
    assert.throws(() => parseSchedule('*/5 * * * *'), /6 fields/);
    assert.throws(() => parseSchedule('00:05:00'), /6 fields/);
    assert.throws(() => parseSchedule('0 0 25 * * *'), /invalid/);
  });
});
