import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bookingFromReservation, graphEventFromBooking } from '../../../shared/mapping';
import { InvalidBookingInput, UnsupportedRecurrence } from '../../../shared/model';
import { expand, fromRRule, lastOccurrenceStart } from '../../../shared/recurrence';
import { RecurrenceTooLarge } from '../../../shared/recurrence/errors';
import { EXPANSION_BUDGET } from '../../../shared/recurrence/series';
import { declineOf } from '../../../shared/status/detect';
import { ZONES, hostileRRule } from '../../factories/arbitraries';
import { makeBooking, testRooms } from '../../factories/booking';
import { makeReservation } from '../../factories/reservation';

/**
 * Issue 19 item 8: a rule that never occurs (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) made `rrule` walk day by
 * day to the year 9999, 7–17 s of blocked event loop per read. Every call on a recurrence now returns or
 * refuses within a small bound: inexpressible rules are refused before anything is expanded, and an
 * expansion costs what its window holds, up to EXPANSION_BUDGET occurrences.
 */

/** Well above what any call takes here (at most about 40 ms in this fuzz, 80 ms for the whole budget, on a busy 2-core machine; 17 s before). */
const BOUND_MS = 250;

/** The call's outcome ('returned' or the refusal's name) and how long it took. */
function timed(run: () => unknown): { outcome: string; ms: number } {
  const started = performance.now();
  try {
    run();
    return { outcome: 'returned', ms: performance.now() - started };
  } catch (err) {
    const ms = performance.now() - started;
    if (err instanceof UnsupportedRecurrence || err instanceof InvalidBookingInput) {
      return { outcome: err.name, ms };
    }
    throw err;
  }
}

const NEVER = 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30';
const reservation = (rrule: string, start = '2026-03-02T09:00:00', timeZone = 'Europe/Berlin') =>
  makeReservation({ start, end: start.replace('T09', 'T10'), timeZone, recurrence: { rrule } });
const series = (rrule: string) =>
  makeBooking({
    start: new Date('2026-03-02T08:00:00Z'),
    end: new Date('2026-03-02T09:00:00Z'),
    timeZone: 'Europe/Berlin',
    recurrence: rrule,
  });

describe('recurrence calls are bounded', () => {
  it('refuses a rule that never occurs before expanding it, in every path', () => {
    const year = { from: new Date('2026-03-01Z'), to: new Date('2027-03-01Z') };
    for (const rrule of [NEVER, `${NEVER};COUNT=5`, 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30']) {
      const expanded = timed(() => expand(series(rrule), year.from, year.to));
      assert.equal(expanded.outcome, 'UnsupportedRecurrence', rrule);
      assert.ok(expanded.ms < 100, `${rrule}: expand took ${expanded.ms.toFixed(0)} ms`);
      // Workplace's reservation is still read (its status can be shown); writing it to Exchange refuses it.
      const read = timed(() => bookingFromReservation(reservation(rrule), testRooms));
      assert.equal(read.outcome, 'returned', rrule);
      assert.ok(read.ms < 100, `${rrule}: reading the reservation took ${read.ms.toFixed(0)} ms`);
      assert.throws(
        () => graphEventFromBooking(bookingFromReservation(reservation(rrule), testRooms)),
        UnsupportedRecurrence,
      );
      const declined = timed(() =>
        declineOf(
          { start: '2026-03-02T09:00:00', timeZone: 'Europe/Berlin', recurrence: { rrule } },
          year.from,
        ),
      );
      assert.ok(declined.ms < 100, `${rrule}: declineOf took ${declined.ms.toFixed(0)} ms`);
    }
  });

  it('refuses a window holding more occurrences than the budget, without computing them', () => {
    const daily = series('FREQ=DAILY;INTERVAL=1');
    const window = { from: new Date('2026-03-01Z'), to: new Date('2056-03-01Z') };
    const { outcome, ms } = timed(() => expand(daily, window.from, window.to));
    assert.equal(outcome, 'RecurrenceTooLarge');
    assert.ok(ms < 100, `the refusal took ${ms.toFixed(0)} ms`);
    assert.throws(() => expand(daily, window.from, window.to), RecurrenceTooLarge);
    // Up to the budget, every occurrence: a series started years ago, read for the next year.
    const long = makeBooking({
      ...daily,
      start: new Date('2012-03-01T08:00:00Z'),
      end: new Date('2012-03-01T09:00:00Z'),
    });
    assert.equal(expand(long, new Date('2026-03-01Z'), new Date('2027-03-01Z')).length, 365);
    assert.equal(EXPANSION_BUDGET, 5_000);
  });

  it('gives the last occurrence of a numbered or dated series without walking to it', () => {
    const start = new Date('2026-03-02T08:00:00Z');
    const last = (rrule: string): string | undefined =>
      lastOccurrenceStart(rrule, start, 'Europe/Berlin')?.toISOString();
    assert.equal(last('FREQ=WEEKLY;BYDAY=MO;COUNT=4'), '2026-03-23T08:00:00.000Z');
    // 999 occurrences every 99 years would end in the year 100,000: the calendar ends with 9999.
    assert.equal(last('FREQ=YEARLY;INTERVAL=99;COUNT=999'), '9946-03-02T08:00:00.000Z');
    assert.equal(last('FREQ=DAILY;UNTIL=20991231T235959Z'), '2099-12-31T08:00:00.000Z');
    assert.equal(last('FREQ=DAILY'), undefined);
  });

  it('every call on a hostile rule returns or refuses within a small bound (property)', () => {
    const window = fc
      .record({
        from: fc.integer({
          min: Date.parse('1990-01-01T00:00:00Z'),
          max: Date.parse('2040-01-01T00:00:00Z'),
        }),
        days: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 40 * 365 })),
      })
      .map(({ from, days }) => ({ from: new Date(from), to: new Date(from + days * 86_400_000) }));
    const start = fc
      .record({
        zone: fc.constantFrom(...ZONES),
        day: fc.integer({ min: 0, max: 20 * 365 }),
        minutes: fc.integer({ min: 0, max: 95 }).map((quarter) => quarter * 15),
      })
      .map(({ zone, day, minutes }) => {
        const at = new Date(Date.parse('2015-01-01T00:00:00Z') + day * 86_400_000 + minutes * 60_000);
        return { zone, at, wall: at.toISOString().slice(0, 19) };
      });
    let slowest = 0;
    fc.assert(
      fc.property(hostileRRule, start, window, (rrule, s, w) => {
        const booking = makeBooking({
          start: s.at,
          end: new Date(s.at.getTime() + 3_600_000),
          timeZone: s.zone,
          recurrence: rrule,
        });
        const calls = {
          fromRRule: () => fromRRule(rrule, { dateTime: s.wall, timeZone: s.zone }),
          expand: () => expand(booking, w.from, w.to),
          lastOccurrenceStart: () => lastOccurrenceStart(rrule, s.at, s.zone),
          bookingFromReservation: () =>
            bookingFromReservation(reservation(rrule, s.wall.replace(/T.*/, 'T09:00:00'), s.zone), testRooms),
          declineOf: () => declineOf({ start: s.wall, timeZone: s.zone, recurrence: { rrule } }, w.from),
        };
        for (const [name, call] of Object.entries(calls)) {
          const { ms } = timed(call);
          slowest = Math.max(slowest, ms);
          assert.ok(ms < BOUND_MS, `${name}(${rrule}) took ${ms.toFixed(0)} ms`);
        }
      }),
      { numRuns: 300 },
    );
    assert.ok(slowest < BOUND_MS);
  });
});
