import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import {
  bookingFromGraphEvent,
  bookingFromReservation,
  graphEventFromBooking,
} from '../../../shared/mapping';
import type { GraphEvent } from '../../../shared/graph/event';
import { fingerprint, type Booking } from '../../../shared/model';
import { expand } from '../../../shared/recurrence';
import { makeBooking, testRooms } from '../../factories/booking';
import { graphEvent } from '../../factories/graph-event';
import { makeReservation } from '../../factories/reservation';

/**
 * Issue 19 item 6(a): a series whose range start does not fit its pattern begins at its first real
 * occurrence, and its interval counts from there, as Outlook does. RFC 5545 (and the `rrule` library)
 * count the interval from DTSTART's own period instead, which shifted such a series by a period.
 *
 * Vectors: Graph's "Schedule repeating appointments as recurring events in Outlook"
 * (concepts/outlook-schedule-recurring-events.md): "first Thursday of every other month starting August
 * 29, 2017 … Because the value of startDate is after the first Thursday in August, the first occurrence
 * of this series will be in September." [MS-OXOCAL] 2.2.1.44.1.1 counts a weekly series' weeks from "the
 * first day of the week in which the first event of the recurring series occurs".
 */

const PACIFIC = 'America/Los_Angeles';

function graphMaster(pattern: Record<string, unknown>, start: string, end: string): GraphEvent {
  return graphEvent({
    type: 'seriesMaster',
    subject: 'Review',
    start: { dateTime: start, timeZone: 'Pacific Standard Time' },
    end: { dateTime: end, timeZone: 'Pacific Standard Time' },
    originalStartTimeZone: 'Pacific Standard Time',
    recurrence: { pattern, range: { type: 'noEnd', startDate: start.slice(0, 10) } },
  });
}

const localDates = (b: Booking, years = 1): string[] =>
  expand(
    b,
    new Date(b.start.getTime() - 60 * 86_400_000),
    new Date(b.start.getTime() + years * 366 * 86_400_000),
  ).map((o) => DateTime.fromJSDate(o.start, { zone: b.timeZone }).toFormat('yyyy-MM-dd HH:mm'));

describe('a series whose start does not fit its pattern (Outlook’s reading)', () => {
  const docExample = graphMaster(
    { type: 'relativeMonthly', interval: 2, daysOfWeek: ['Thursday'], index: 'first' },
    '2017-08-29T14:00:00.0000000',
    '2017-08-29T15:00:00.0000000',
  );

  it('Graph → Booking: starts in September and repeats every other month from there (Graph docs)', () => {
    const booking = bookingFromGraphEvent(docExample);
    assert.equal(booking.recurrence, 'FREQ=MONTHLY;INTERVAL=2;BYDAY=1TH');
    assert.equal(booking.start.toISOString(), '2017-09-07T21:00:00.000Z', '14:00 PDT, 7 September');
    assert.deepEqual(localDates(booking).slice(0, 4), [
      '2017-09-07 14:00',
      '2017-11-02 14:00',
      '2018-01-04 14:00',
      '2018-03-01 14:00',
    ]);
  });

  it('Booking → Graph: written back from its first occurrence, with the same pattern (not shifted)', () => {
    const body = graphEventFromBooking(bookingFromGraphEvent(docExample));
    assert.equal(body.start?.dateTime, '2017-09-07T14:00:00.0000000');
    assert.equal(body.recurrence?.range.startDate, '2017-09-07');
    // (assert.equal above has told the compiler the recurrence is there.)
    const { pattern } = body.recurrence;
    assert.deepEqual([pattern.type, pattern.interval, pattern.index], ['relativeMonthly', 2, 'first']);
    // Read again, it is the same booking.
    const again = bookingFromGraphEvent(graphEvent({ ...docExample, ...body, type: 'seriesMaster' }));
    assert.equal(fingerprint(again), fingerprint(bookingFromGraphEvent(docExample)));
  });

  it('expansion of the RRULE from the unfitting start, and a Workplace reservation, read it alike', () => {
    const unaligned = makeBooking({
      start: new Date('2017-08-29T21:00:00Z'),
      end: new Date('2017-08-29T22:00:00Z'),
      timeZone: PACIFIC,
      recurrence: 'FREQ=MONTHLY;INTERVAL=2;BYDAY=1TH',
    });
    assert.deepEqual(localDates(unaligned).slice(0, 3), [
      '2017-09-07 14:00',
      '2017-11-02 14:00',
      '2018-01-04 14:00',
    ]);
    const fromWorkplace = bookingFromReservation(
      makeReservation({
        start: '2017-08-29T14:00:00',
        end: '2017-08-29T15:00:00',
        timeZone: PACIFIC,
        recurrence: { rrule: 'FREQ=MONTHLY;INTERVAL=2;BYDAY=1TH' },
      }),
      testRooms,
    );
    assert.equal(fromWorkplace.start.toISOString(), '2017-09-07T21:00:00.000Z');
  });

  it('weekly: every other Monday from a Wednesday starts the next Monday and counts weeks from it', () => {
    const booking = bookingFromGraphEvent(
      graphMaster(
        { type: 'weekly', interval: 2, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
        '2026-10-21T09:00:00.0000000',
        '2026-10-21T10:00:00.0000000',
      ),
    );
    assert.deepEqual(localDates(booking).slice(0, 3), [
      '2026-10-26 09:00',
      '2026-11-09 09:00',
      '2026-11-23 09:00',
    ]);
  });

  it('yearly: every other 5 March from June starts the next March and counts years from it', () => {
    const booking = bookingFromGraphEvent(
      graphMaster(
        { type: 'absoluteYearly', interval: 2, month: 3, dayOfMonth: 5 },
        '2026-06-01T09:00:00.0000000',
        '2026-06-01T10:00:00.0000000',
      ),
    );
    assert.deepEqual(localDates(booking, 5).slice(0, 3), [
      '2027-03-05 09:00',
      '2029-03-05 09:00',
      '2031-03-05 09:00',
    ]);
  });

  it('a start that fits its pattern is its first occurrence, as before', () => {
    const booking = bookingFromGraphEvent(
      graphMaster(
        { type: 'relativeMonthly', interval: 2, daysOfWeek: ['thursday'], index: 'first' },
        '2017-09-07T14:00:00.0000000',
        '2017-09-07T15:00:00.0000000',
      ),
    );
    assert.deepEqual(localDates(booking).slice(0, 2), ['2017-09-07 14:00', '2017-11-02 14:00']);
  });
});
