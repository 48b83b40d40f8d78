import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { expand, fromRRule } from '../../../shared/recurrence';
import { makeBooking } from '../../factories/booking';

/**
 * Issue 19 item 6(c, d): wall-clock times skipped when daylight saving begins. RFC 5545 §3.3.5: a local
 * time that does not occur is read with the offset before the gap ("TZID=America/New_York:20070311T023000
 * indicates March 11, 2007 at 3:30 A.M. EDT"), which is also .NET's (Exchange's) reading; §3.3.10: a
 * recurrence instance whose local time does not exist is read the same way, and UNTIL bounds the instances.
 */

const NEW_YORK = 'America/New_York';
const local = (d: Date, zone: string): string =>
  DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm');

describe('an hour skipped by a daylight-saving change', () => {
  it('(d) an occurrence pushed past UNTIL by the skipped hour is not produced, nor written to Exchange', () => {
    // Daily 02:30 New York; UNTIL 07:00 UTC on 11 March 2007, 03:00 EDT. That day's 02:30 does not exist
    // and is 03:30 EDT (07:30 UTC), after UNTIL: the series ends on the 10th.
    const rrule = 'FREQ=DAILY;UNTIL=20070311T070000Z';
    const booking = makeBooking({
      start: new Date('2007-03-08T07:30:00Z'),
      end: new Date('2007-03-08T08:00:00Z'),
      timeZone: NEW_YORK,
      recurrence: rrule,
    });
    const occurrences = expand(booking, new Date('2007-03-01Z'), new Date('2007-04-01Z'));
    assert.deepEqual(
      occurrences.map((o) => local(o.start, NEW_YORK)),
      ['2007-03-08 02:30', '2007-03-09 02:30', '2007-03-10 02:30'],
    );
    assert.ok(occurrences.every((o) => o.start.getTime() <= Date.parse('2007-03-11T07:00:00Z')));
    const range = fromRRule(rrule, { dateTime: '2007-03-08T02:30:00', timeZone: NEW_YORK }).range;
    assert.deepEqual([range.type, range.endDate], ['endDate', '2007-03-10']);
    // An UNTIL at or after the moved time keeps that day's occurrence, at 03:30 EDT.
    const kept = expand(
      { ...booking, recurrence: 'FREQ=DAILY;UNTIL=20070311T073000Z' },
      new Date('2007-03-01Z'),
      new Date('2007-04-01Z'),
    );
    assert.equal(local(kept.at(-1)?.start ?? new Date(0), NEW_YORK), '2007-03-11 03:30');
  });
});
