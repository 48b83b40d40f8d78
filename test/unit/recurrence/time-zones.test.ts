import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { graphZoneName, ianaToWindows, resolveTimeZone, windowsToIana } from '../../../shared/recurrence';
import { instantOf } from '../../../shared/recurrence/local-time';

describe('time zones', () => {
  it('maps Windows ↔ IANA from CLDR, Windows names in any case', () => {
    assert.equal(windowsToIana('Pacific Standard Time'), 'America/Los_Angeles');
    assert.equal(windowsToIana('w. europe standard time'), 'Europe/Berlin');
    assert.equal(windowsToIana('Mars Standard Time'), undefined);
    assert.equal(ianaToWindows('Europe/Brussels'), 'Romance Standard Time');
    assert.equal(ianaToWindows('Asia/Calcutta'), 'India Standard Time', 'an alias');
    assert.equal(ianaToWindows('Nowhere/Special'), undefined);
    assert.equal(graphZoneName('America/New_York'), 'Eastern Standard Time');
    assert.equal(graphZoneName('UTC'), 'UTC');
  });

  it('falls back to UTC for custom and unknown zones, never throwing', () => {
    for (const name of ['tzone://Microsoft/Custom', 'Customized Time Zone', '', null, undefined]) {
      assert.deepEqual(resolveTimeZone(name), { zone: 'UTC', known: false });
    }
    assert.deepEqual(resolveTimeZone('Europe/Berlin'), { zone: 'Europe/Berlin', known: true });
    assert.deepEqual(resolveTimeZone('Etc/UTC'), { zone: 'UTC', known: true });
  });

  it('reads a repeated hour as standard time and moves a skipped one forward, as .NET does', () => {
    const wall = (year: number, month: number, day: number, hour: number, minute: number) => ({
      year,
      month,
      day,
      hour,
      minute,
      second: 0,
      millisecond: 0,
    });
    // Clocks go back: 01:30 happens twice in Los Angeles and 02:30 twice in Berlin and Sydney.
    assert.equal(
      instantOf(wall(2025, 11, 2, 1, 30), 'America/Los_Angeles').toISOString(),
      '2025-11-02T09:30:00.000Z',
    );
    assert.equal(
      instantOf(wall(2025, 10, 26, 2, 30), 'Europe/Berlin').toISOString(),
      '2025-10-26T01:30:00.000Z',
    );
    assert.equal(
      instantOf(wall(2025, 4, 6, 2, 30), 'Australia/Sydney').toISOString(),
      '2025-04-05T16:30:00.000Z',
    );
    // Clocks go forward: 02:30 does not exist.
    assert.equal(
      instantOf(wall(2025, 3, 9, 2, 30), 'America/Los_Angeles').toISOString(),
      '2025-03-09T10:30:00.000Z',
    );
    assert.equal(
      instantOf(wall(2025, 10, 5, 2, 30), 'Australia/Sydney').toISOString(),
      '2025-10-04T16:30:00.000Z',
    );
  });
});
