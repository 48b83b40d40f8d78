import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { RRule } from 'rrule';
import { occurrenceDates, normalizeRecurrence } from '../../../emulators/graph/recurrence';
import { expand, toRRule } from '../../../shared/recurrence';
import { instantOf } from '../../../shared/recurrence/local-time';
import { seriesCase } from '../../factories/arbitraries';
import { makeBooking } from '../../factories/booking';

const iso = (dates: { start: Date }[]): string[] => dates.map((o) => o.start.toISOString());

describe('expand', () => {
  const weekly = makeBooking({
    // Thursdays 09:00–10:00 Pacific from 22 October 2026; daylight saving ends on 1 November.
    start: new Date('2026-10-22T16:00:00Z'),
    end: new Date('2026-10-22T17:00:00Z'),
    timeZone: 'America/Los_Angeles',
    recurrence: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TH;COUNT=4',
  });

  it('keeps the local time of a weekly series across the November DST change', () => {
    assert.deepEqual(iso(expand(weekly, new Date('2026-10-01Z'), new Date('2027-01-01Z'))), [
      '2026-10-22T16:00:00.000Z',
      '2026-10-29T16:00:00.000Z',
      '2026-11-05T17:00:00.000Z',
      '2026-11-12T17:00:00.000Z',
    ]);
  });

  it('applies exceptions: a cancelled occurrence is flagged, a moved one is where it went', () => {
    const booking = {
      ...weekly,
      exceptions: [
        { originalStart: new Date('2026-10-29T16:00:00Z'), cancelled: true as const },
        {
          originalStart: new Date('2026-11-05T17:00:00Z'),
          cancelled: false as const,
          start: new Date('2026-11-06T19:00:00Z'),
          end: new Date('2026-11-06T19:30:00Z'),
        },
      ],
    };
    const all = expand(booking, new Date('2026-10-01Z'), new Date('2027-01-01Z'));
    assert.deepEqual(
      all.map((o) => [o.originalStart.toISOString(), o.start.toISOString(), o.cancelled]),
      [
        ['2026-10-22T16:00:00.000Z', '2026-10-22T16:00:00.000Z', false],
        ['2026-10-29T16:00:00.000Z', '2026-10-29T16:00:00.000Z', true],
        ['2026-11-05T17:00:00.000Z', '2026-11-06T19:00:00.000Z', false],
        ['2026-11-12T17:00:00.000Z', '2026-11-12T17:00:00.000Z', false],
      ],
    );
    // Only what overlaps the window, by where occurrences are now.
    assert.deepEqual(iso(expand(booking, new Date('2026-11-06Z'), new Date('2026-11-07Z'))), [
      '2026-11-06T19:00:00.000Z',
    ]);
    assert.deepEqual(expand(booking, new Date('2026-11-05Z'), new Date('2026-11-06Z')), []);
  });

  it('finds an exception moved into the window from a slot far outside it', () => {
    const monthly = makeBooking({
      start: new Date('2027-01-04T09:00:00Z'),
      end: new Date('2027-01-04T10:00:00Z'),
      timeZone: 'UTC',
      recurrence: 'FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=4;COUNT=3',
      exceptions: [
        {
          originalStart: new Date('2027-02-04T09:00:00Z'),
          cancelled: false,
          start: new Date('2027-02-25T09:00:00Z'),
          end: new Date('2027-02-25T10:00:00Z'),
        },
      ],
    });
    assert.deepEqual(iso(expand(monthly, new Date('2027-02-20Z'), new Date('2027-03-01Z'))), [
      '2027-02-25T09:00:00.000Z',
    ]);
  });

  it('includes an occurrence that started before the window and is still running', () => {
    const daily = makeBooking({
      start: new Date('2026-12-01T22:00:00Z'),
      end: new Date('2026-12-02T02:00:00Z'),
      timeZone: 'UTC',
      recurrence: 'FREQ=DAILY;INTERVAL=1;COUNT=3',
    });
    assert.deepEqual(iso(expand(daily, new Date('2026-12-03T00:00:00Z'), new Date('2026-12-03T01:00:00Z'))), [
      '2026-12-02T22:00:00.000Z',
    ]);
  });

  it('gives a single booking as its own occurrence', () => {
    const single = makeBooking();
    assert.deepEqual(expand(single, new Date('2026-03-30Z'), new Date('2026-03-31Z')), [
      { originalStart: single.start, start: single.start, end: single.end, cancelled: false },
    ]);
    assert.deepEqual(expand(single, new Date('2026-04-01Z'), new Date('2026-04-02Z')), []);
  });

  it('expands a patternedRecurrence’s RRULE to the dates Exchange’s own semantics give (property)', () => {
    // The Graph emulator's expander is an independent, hand-written model of Outlook's rules. It counts
    // the interval from the period of the range's startDate, where Outlook counts it from the first real
    // occurrence (outlook-start.test.ts has the documented vectors): so it is asked about the series from
    // that occurrence, which it finds itself (the first date that fits, the interval set to 1).
    fc.assert(
      fc.property(seriesCase, ({ recurrence, start, zone, startInstant }) => {
        const rrule = toRRule(recurrence, start);
        const booking = makeBooking({
          start: startInstant,
          end: new Date(startInstant.getTime() + 30 * 60_000),
          timeZone: zone,
          recurrence: rrule,
        });
        const until = DateTime.fromJSDate(startInstant, { zone }).plus({ years: 3 });
        let exchange;
        try {
          exchange = normalizeRecurrence(recurrence, zone);
        } catch {
          fc.pre(false); // Graph refuses a range without any occurrence; nothing to compare.
          return;
        }
        const firstFit = occurrenceDates(
          {
            ...exchange,
            pattern: { ...exchange.pattern, interval: 1 },
            range: { ...exchange.range, type: 'noEnd' },
          },
          '9999-12-31',
          1,
        )[0];
        fc.pre(firstFit !== undefined);
        const rebased = { ...exchange, range: { ...exchange.range, startDate: firstFit } };
        const expected = occurrenceDates(rebased, until.toFormat('yyyy-MM-dd'));
        const occurrences = expand(booking, startInstant, until.endOf('day').toJSDate());
        const dates = occurrences.map((o) => DateTime.fromJSDate(o.start, { zone }).toFormat('yyyy-MM-dd'));
        assert.deepEqual(dates, expected, rrule);
        // Every occurrence starts at the series' wall-clock time on its date, in its zone: a repeated hour
        // read as standard time (the later instant), a skipped one moved forward.
        const wall = DateTime.fromJSDate(startInstant, { zone }).toFormat('HH:mm:ss');
        for (const occurrence of occurrences) {
          const local = DateTime.fromJSDate(occurrence.start, { zone });
          const time = local.toFormat('HH:mm:ss');
          assert.ok(
            time === wall || (time > wall && local.offset !== local.minus({ days: 1 }).offset),
            `${rrule}: ${time}`,
          );
          const hourLater = local.plus({ hours: 1 });
          assert.ok(
            hourLater.toFormat('HH:mm:ss') !== time || hourLater.day !== local.day,
            `${rrule}: not standard time`,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the dates RFC 5545 gives (the `rrule` library) for a series that starts on an occurrence (property)', () => {
    // Outlook and RFC 5545 read a rule alike once the start is an occurrence; rrule.js runs on floating
    // wall-clock time (dates as if UTC), so only dates are compared.
    const floatingDate = (d: Date): string => d.toISOString().slice(0, 10);
    fc.assert(
      fc.property(seriesCase, ({ recurrence, start, zone }) => {
        const rrule = toRRule(recurrence, start);
        const wall = DateTime.fromISO(start.dateTime, { zone: 'UTC' });
        const options = RRule.parseString(rrule.replace(/;UNTIL=[^;]*/, ''));
        const first = new RRule({ ...options, dtstart: wall.toJSDate() }).all((_, i) => i < 1).at(0);
        const endDate = recurrence.range.type === 'endDate' ? recurrence.range.endDate : '9999-12-31';
        // A range that ends before its first occurrence holds none (Graph refuses such a series).
        fc.pre(first !== undefined && floatingDate(first) <= endDate);
        const horizon = new Date(first.getTime() + 3 * 365 * 86_400_000);
        const expected = new RRule({ ...options, dtstart: first })
          .between(first, horizon, true)
          .map(floatingDate)
          .filter((date) => date <= endDate);
        const inZone = (floating: Date): Date =>
          instantOf(
            {
              year: floating.getUTCFullYear(),
              month: floating.getUTCMonth() + 1,
              day: floating.getUTCDate(),
              hour: floating.getUTCHours(),
              minute: floating.getUTCMinutes(),
              second: floating.getUTCSeconds(),
              millisecond: 0,
            },
            zone,
          );
        const startInstant = inZone(first);
        const booking = makeBooking({
          start: startInstant,
          end: new Date(startInstant.getTime() + 30 * 60_000),
          timeZone: zone,
          recurrence: rrule,
        });
        const dates = expand(booking, startInstant, inZone(horizon)).map((o) =>
          DateTime.fromJSDate(o.start, { zone }).toFormat('yyyy-MM-dd'),
        );
        assert.deepEqual(
          dates,
          expected.filter((date) => date < floatingDate(horizon)),
          rrule,
        );
      }),
      { numRuns: 300 },
    );
  });
});
