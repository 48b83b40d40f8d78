import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import {
  bookingFromGraphEvent,
  bookingFromReservation,
  graphEventFromBooking,
  reservationFromBooking,
} from '../../../shared/mapping';
import { fingerprint } from '../../../shared/model';
import { expand, fromRRule } from '../../../shared/recurrence';
import { makeBooking, testRooms } from '../../factories/booking';
import { graphEvent } from '../../factories/graph-event';

/**
 * Issue 19 item 6(c, d): wall-clock times skipped when daylight saving begins. RFC 5545 §3.3.5: a local
 * time that does not occur is read with the offset before the gap ("TZID=America/New_York:20070311T023000
 * indicates March 11, 2007 at 3:30 A.M. EDT"), which is also .NET's (Exchange's) reading; §3.3.10: a
 * recurrence instance whose local time does not exist is read the same way, and UNTIL bounds the instances.
 */

const NEW_YORK = 'America/New_York';
const SYDNEY = 'Australia/Sydney';
// Sydney's clocks go from 02:00 to 03:00 on Sunday 4 October 2026.
const reservation = (start: string, end: string, rrule?: string) => ({
  subject: 'Early call',
  start,
  end,
  timeZone: SYDNEY,
  lines: [{ roomId: 'wp-room.alpha' }],
  ...(rrule ? { recurrence: { rrule } } : {}),
});
const sydneyEvent = (start: string, end: string, recurrence?: Record<string, unknown>) => ({
  type: recurrence ? 'seriesMaster' : 'singleInstance',
  subject: 'Early call',
  start: { dateTime: start, timeZone: 'AUS Eastern Standard Time' },
  end: { dateTime: end, timeZone: 'AUS Eastern Standard Time' },
  originalStartTimeZone: 'AUS Eastern Standard Time',
  ...(recurrence ? { recurrence } : {}),
});
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

  it('(c) a single booking inside the skipped hour is moved forward by it, keeping its length', () => {
    // 02:30–03:00 does not exist; .NET reads 02:30 as 03:30 AEDT, after the end's 03:00: the booking is
    // shifted whole (03:30–04:00), not refused as ending before it starts.
    for (const booking of [
      bookingFromReservation(reservation('2026-10-04T02:30:00', '2026-10-04T03:00:00'), testRooms),
      bookingFromGraphEvent(
        graphEvent(sydneyEvent('2026-10-04T02:30:00.0000000', '2026-10-04T03:00:00.0000000')),
      ),
    ]) {
      assert.deepEqual(
        [local(booking.start, SYDNEY), local(booking.end, SYDNEY)],
        ['2026-10-04 03:30', '2026-10-04 04:00'],
      );
    }
    // Inside the gap at both ends, each end moves by the gap; across it, the real length is kept.
    const inside = bookingFromReservation(
      reservation('2026-10-04T02:15:00', '2026-10-04T02:45:00'),
      testRooms,
    );
    assert.deepEqual(
      [local(inside.start, SYDNEY), local(inside.end, SYDNEY)],
      ['2026-10-04 03:15', '2026-10-04 03:45'],
    );
    const across = bookingFromReservation(
      reservation('2026-10-04T01:30:00', '2026-10-04T02:30:00'),
      testRooms,
    );
    assert.equal(across.end.getTime() - across.start.getTime(), 3_600_000);
  });

  it('(c) a series starting in the skipped hour keeps its wall-clock time on later days', () => {
    // Daily 02:30 Sydney from the change day: the first occurrence is 03:30 AEDT, the next ones 02:30.
    const expected = ['2026-10-04 03:30', '2026-10-05 02:30', '2026-10-06 02:30'];
    const fromWorkplace = bookingFromReservation(
      reservation('2026-10-04T02:30:00', '2026-10-04T03:00:00', 'FREQ=DAILY;COUNT=3'),
      testRooms,
    );
    const room = { roomEmail: 'room.alpha@contoso.com' };
    const fromGraph = bookingFromGraphEvent(
      graphEvent(
        sydneyEvent('2026-10-04T02:30:00.0000000', '2026-10-04T03:00:00.0000000', {
          pattern: { type: 'daily', interval: 1 },
          range: { type: 'numbered', startDate: '2026-10-04', numberOfOccurrences: 3 },
        }),
      ),
      room,
    );
    for (const booking of [fromWorkplace, fromGraph]) {
      const occurrences = expand(booking, new Date('2026-10-01Z'), new Date('2026-10-10Z'));
      assert.deepEqual(
        occurrences.map((o) => local(o.start, SYDNEY)),
        expected,
      );
      assert.ok(occurrences.every((o) => o.end.getTime() - o.start.getTime() === 30 * 60_000));
    }
    assert.equal(fingerprint(fromGraph), fingerprint(fromWorkplace));
    // Written back with the series' own time, so the other side repeats at 02:30 too, and read back alike.
    const body = graphEventFromBooking(fromWorkplace);
    assert.equal(body.start?.dateTime, '2026-10-04T02:30:00.0000000');
    assert.equal(body.recurrence?.range.startDate, '2026-10-04');
    const written = reservationFromBooking(fromWorkplace, testRooms);
    assert.equal(written.start, '2026-10-04T02:30:00');
    assert.equal(fingerprint(bookingFromReservation(written, testRooms)), fingerprint(fromWorkplace));
    assert.equal(
      fingerprint(
        bookingFromGraphEvent(graphEvent({ ...sydneyEvent('', ''), ...body, type: 'seriesMaster' }), room),
      ),
      fingerprint(fromWorkplace),
    );
    // A series at 03:30 from the same day is another series: the same first instant, later days differ.
    const half = bookingFromReservation(
      reservation('2026-10-04T03:30:00', '2026-10-04T04:00:00', 'FREQ=DAILY;COUNT=3'),
      testRooms,
    );
    assert.equal(half.start.getTime(), fromWorkplace.start.getTime());
    assert.notEqual(fingerprint(half), fingerprint(fromWorkplace));
  });

  it('(c) a weekly series that first falls on the change day keeps the wall-clock time it was given', () => {
    // Sundays 02:30 from Saturday 3 October: the first occurrence is the change day's (03:30 AEDT).
    const booking = bookingFromReservation(
      reservation('2026-10-03T02:30:00', '2026-10-03T03:00:00', 'FREQ=WEEKLY;BYDAY=SU;COUNT=2'),
      testRooms,
    );
    assert.deepEqual(
      expand(booking, new Date('2026-10-01Z'), new Date('2026-10-20Z')).map((o) => local(o.start, SYDNEY)),
      ['2026-10-04 03:30', '2026-10-11 02:30'],
    );
    assert.equal(reservationFromBooking(booking, testRooms).start, '2026-10-04T02:30:00');
  });
});
