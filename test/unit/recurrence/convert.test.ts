import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RRule } from 'rrule';
import { graphEventFromBooking } from '../../../shared/mapping';
import { InvalidBookingInput, UnsupportedRecurrence } from '../../../shared/model';
import { expand, fromRRule, toRRule } from '../../../shared/recurrence';
import { seriesCase } from '../../factories/arbitraries';
import { makeBooking } from '../../factories/booking';

const PACIFIC = { dateTime: '2026-10-22T09:00:00.0000000', timeZone: 'Pacific Standard Time' };

const range = (
  startDate: string,
  extra: Record<string, unknown> = { type: 'noEnd' },
): Record<string, unknown> => ({
  startDate,
  ...extra,
});

function unsupported(rrule: string, start = PACIFIC): UnsupportedRecurrence {
  try {
    fromRRule(rrule, start);
  } catch (err) {
    assert.ok(err instanceof UnsupportedRecurrence, `expected UnsupportedRecurrence, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${rrule} to be refused`);
}

function invalid(run: () => unknown): InvalidBookingInput {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof InvalidBookingInput, `expected InvalidBookingInput, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the input to be refused');
}

describe('patternedRecurrence → RRULE', () => {
  it('writes each pattern type with Outlook semantics', () => {
    const start = { dateTime: '2026-12-31T09:00:00', timeZone: 'UTC' };
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'daily', interval: 3 }, 'FREQ=DAILY;INTERVAL=3'],
      [
        { type: 'weekly', interval: 1, daysOfWeek: ['thursday', 'monday'] },
        'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH',
      ],
      [
        { type: 'weekly', interval: 2, daysOfWeek: ['thursday'], firstDayOfWeek: 'monday' },
        'FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;WKST=MO',
      ],
      [{ type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 }, 'FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=-1'],
      [
        { type: 'absoluteMonthly', interval: 1, dayOfMonth: 30 },
        'FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=28,29,30;BYSETPOS=-1',
      ],
      [{ type: 'absoluteMonthly', interval: 2, dayOfMonth: 15 }, 'FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15'],
      [
        { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' },
        'FREQ=MONTHLY;INTERVAL=1;BYDAY=-1FR',
      ],
      [
        { type: 'relativeMonthly', interval: 1, daysOfWeek: ['saturday', 'sunday'], index: 'first' },
        'FREQ=MONTHLY;INTERVAL=1;BYDAY=SU,SA;BYSETPOS=1',
      ],
      [
        { type: 'absoluteYearly', interval: 1, month: 2, dayOfMonth: 29 },
        'FREQ=YEARLY;INTERVAL=1;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1',
      ],
      [
        { type: 'relativeYearly', interval: 1, month: 5, daysOfWeek: ['monday'], index: 'last' },
        'FREQ=YEARLY;INTERVAL=1;BYMONTH=5;BYDAY=-1MO',
      ],
    ];
    for (const [pattern, rrule] of cases) {
      assert.equal(toRRule({ pattern, range: range('2026-12-31') }, start), rrule, JSON.stringify(pattern));
    }
  });

  it('writes a numbered range as COUNT and an endDate as the last second of that day in the recurrence zone', () => {
    const weekly = { type: 'weekly', interval: 1, daysOfWeek: ['thursday'] };
    assert.equal(
      toRRule(
        { pattern: weekly, range: range('2026-10-22', { type: 'numbered', numberOfOccurrences: 10 }) },
        PACIFIC,
      ),
      'FREQ=WEEKLY;INTERVAL=1;BYDAY=TH;COUNT=10',
    );
    // 2026-11-12 23:59:59 in Pacific Standard Time (UTC-8) is 07:59:59 UTC the next day.
    assert.equal(
      toRRule(
        { pattern: weekly, range: range('2026-10-22', { type: 'endDate', endDate: '2026-11-12' }) },
        PACIFIC,
      ),
      'FREQ=WEEKLY;INTERVAL=1;BYDAY=TH;UNTIL=20261113T075959Z',
    );
  });

  it('ignores Graph’s zero-filled unused fields', () => {
    const graphShape = {
      pattern: {
        type: 'weekly',
        interval: 1,
        month: 0,
        dayOfMonth: 0,
        daysOfWeek: ['thursday'],
        firstDayOfWeek: 'sunday',
        index: 'first',
      },
      range: {
        type: 'noEnd',
        startDate: '2026-10-22',
        endDate: '0001-01-01',
        recurrenceTimeZone: 'Pacific Standard Time',
        numberOfOccurrences: 0,
      },
    };
    assert.equal(toRRule(graphShape, PACIFIC), 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TH');
  });
});

describe('RRULE → patternedRecurrence', () => {
  it('reads back what toRRule writes, and equivalent spellings', () => {
    assert.deepEqual(fromRRule('RRULE:FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1', PACIFIC).pattern, {
      type: 'relativeMonthly',
      interval: 1,
      month: 0,
      dayOfMonth: 0,
      daysOfWeek: ['friday'],
      firstDayOfWeek: 'sunday',
      index: 'last',
    });
    assert.equal(fromRRule('FREQ=MONTHLY;BYMONTHDAY=-1', PACIFIC).pattern.dayOfMonth, 31);
    const weekdays = fromRRule('FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', PACIFIC).pattern;
    assert.equal(weekdays.type, 'weekly');
    assert.deepEqual(weekdays.daysOfWeek, ['monday', 'tuesday', 'wednesday', 'thursday', 'friday']);
  });

  it('takes what the rule leaves out from the start, and RFC 5545’s Monday week start', () => {
    const weekly = fromRRule('FREQ=WEEKLY;INTERVAL=2', PACIFIC);
    assert.deepEqual(weekly.pattern.daysOfWeek, ['thursday']);
    assert.equal(weekly.pattern.firstDayOfWeek, 'monday', 'WKST defaults to MO in RFC 5545');
    const yearly = fromRRule('FREQ=YEARLY', PACIFIC);
    assert.deepEqual(
      [yearly.pattern.type, yearly.pattern.month, yearly.pattern.dayOfMonth],
      ['absoluteYearly', 10, 22],
    );
    assert.deepEqual(weekly.range, {
      type: 'noEnd',
      startDate: '2026-10-22',
      endDate: '0001-01-01',
      recurrenceTimeZone: 'Pacific Standard Time',
      numberOfOccurrences: 0,
    });
  });

  it('reads UNTIL in UTC, as a date, or floating, into an inclusive endDate in the series zone', () => {
    const endDate = (rrule: string): string => fromRRule(rrule, PACIFIC).range.endDate;
    assert.equal(endDate('FREQ=DAILY;UNTIL=20261113T075959Z'), '2026-11-12');
    assert.equal(endDate('FREQ=DAILY;UNTIL=20261112T170000Z'), '2026-11-12', '09:00 Pacific on the 12th');
    assert.equal(
      endDate('FREQ=DAILY;UNTIL=20261112T165959Z'),
      '2026-11-11',
      'just before that day’s occurrence',
    );
    assert.equal(endDate('FREQ=DAILY;UNTIL=20261112'), '2026-11-12');
    assert.equal(endDate('FREQ=DAILY;UNTIL=20261112T090000'), '2026-11-12');
  });

  it('refuses what Exchange cannot express, naming the rule part', () => {
    assert.equal(unsupported('FREQ=HOURLY').part, 'FREQ');
    assert.equal(
      unsupported('FREQ=MONTHLY;BYMONTHDAY=31').part,
      'BYMONTHDAY',
      'RFC skips short months, Outlook does not',
    );
    assert.equal(unsupported('FREQ=MONTHLY;BYMONTHDAY=1,15').part, 'BYMONTHDAY');
    assert.equal(unsupported('FREQ=MONTHLY;BYDAY=MO').part, 'BYDAY', 'every Monday of the month');
    assert.equal(unsupported('FREQ=MONTHLY;BYDAY=5FR').part, 'BYDAY');
    assert.equal(unsupported('FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2,3').part, 'BYSETPOS');
    assert.equal(unsupported('FREQ=WEEKLY;BYDAY=MO;BYHOUR=9,15').part, 'BYHOUR');
    assert.equal(unsupported('FREQ=YEARLY;BYMONTH=1,7').part, 'BYMONTH');
    assert.equal(unsupported('FREQ=YEARLY;BYWEEKNO=20').part, 'BYWEEKNO');
    assert.equal(unsupported('FREQ=DAILY;INTERVAL=2;BYDAY=MO,FR').part, 'BYDAY');
    assert.equal(unsupported('FREQ=WEEKLY;INTERVAL=100;BYDAY=MO').part, 'INTERVAL');
    assert.equal(unsupported('FREQ=DAILY;COUNT=1000').part, 'COUNT');
    assert.equal(
      unsupported('FREQ=MONTHLY', { dateTime: '2027-01-31T09:00:00', timeZone: 'UTC' }).part,
      'BYMONTHDAY',
      'a monthly rule from the 31st skips short months',
    );
  });

  it('refuses malformed rules and patterns with an error naming the field', () => {
    assert.match(invalid(() => fromRRule('FREQ=WEEKLY;BYDAY=XX', PACIFIC)).message, /BYDAY/);
    assert.match(invalid(() => fromRRule('WEEKLY', PACIFIC)).message, /NAME=VALUE/);
    assert.match(invalid(() => fromRRule('INTERVAL=2', PACIFIC)).message, /FREQ is required/);
    assert.match(
      invalid(() => fromRRule('FREQ=DAILY;COUNT=3;UNTIL=20270101', PACIFIC)).message,
      /COUNT and UNTIL/,
    );
    assert.match(invalid(() => fromRRule('FREQ=DAILY;INTERVAL=0', PACIFIC)).message, /INTERVAL/);
    assert.match(invalid(() => fromRRule('FREQ=DAILY;UNTIL=20260101', PACIFIC)).message, /before its start/);
    assert.equal(
      invalid(() =>
        toRRule(
          { pattern: { type: 'weekly', interval: 0, daysOfWeek: ['monday'] }, range: range('2026-10-22') },
          PACIFIC,
        ),
      ).path,
      'recurrence.pattern.interval',
    );
    assert.equal(
      invalid(() =>
        toRRule({ pattern: { type: 'hourly', interval: 1 }, range: range('2026-10-22') }, PACIFIC),
      ).path,
      'recurrence.pattern.type',
    );
    assert.equal(
      invalid(() =>
        toRRule({ pattern: { type: 'weekly', interval: 1 }, range: range('2026-10-22') }, PACIFIC),
      ).path,
      'recurrence.pattern.daysOfWeek',
    );
    assert.equal(
      invalid(() => toRRule({ pattern: { type: 'daily', interval: 1 }, range: range('2026-10-23') }, PACIFIC))
        .path,
      'recurrence.range.startDate',
    );
    assert.equal(
      invalid(() =>
        toRRule(
          { pattern: { type: 'daily', interval: 1 }, range: { type: 'endDate', startDate: '2026-10-22' } },
          PACIFIC,
        ),
      ).path,
      'recurrence.range.endDate',
    );
    assert.equal(
      invalid(() =>
        toRRule(
          { pattern: { type: 'daily', interval: 1 }, range: range('2026-10-22') },
          { dateTime: 'soon', timeZone: 'UTC' },
        ),
      ).path,
      'start.dateTime',
    );
  });

  it('RRULE → patternedRecurrence → RRULE is the identity for Exchange-expressible series (property)', () => {
    fc.assert(
      fc.property(seriesCase, ({ recurrence, start }) => {
        const rrule = toRRule(recurrence, start);
        assert.equal(toRRule(fromRRule(rrule, start), start), rrule);
      }),
      { numRuns: 500 },
    );
  });
});

describe('FREQ=YEARLY;BYMONTHDAY without BYMONTH (issue 19 item 6b)', () => {
  // RFC 5545 expands a yearly rule's BYMONTHDAY over every month when BYMONTH is absent: python-dateutil's
  // testYearlyByMonthDay ("every 1 month on 1st, 3rd"): YEARLY;COUNT=3;BYMONTHDAY=1,3 from 1997-09-02
  // 09:00 gives 1997-09-03, 1997-10-01, 1997-10-03. An author who wrote it most likely meant once a year.
  // Exchange has no pattern for the first reading once INTERVAL > 1, and either reading silently changes
  // someone's series, so it is refused everywhere, as a yearly BYDAY without BYMONTH already was.
  const start = { dateTime: '1997-09-02T09:00:00', timeZone: 'UTC' };

  it('is what RFC 5545 engines read as every month (the vector, through rrule.js)', () => {
    const rule = new RRule({
      ...RRule.parseString('FREQ=YEARLY;COUNT=3;BYMONTHDAY=1,3'),
      dtstart: new Date('1997-09-02T09:00:00Z'),
    });
    assert.deepEqual(
      rule.all().map((d) => d.toISOString().slice(0, 10)),
      ['1997-09-03', '1997-10-01', '1997-10-03'],
    );
  });

  it('is refused, naming BYMONTHDAY, by conversion, expansion and the Graph write', () => {
    for (const rrule of ['FREQ=YEARLY;BYMONTHDAY=15', 'FREQ=YEARLY;INTERVAL=2;BYMONTHDAY=-1']) {
      assert.equal(unsupported(rrule, start).part, 'BYMONTHDAY', rrule);
      const booking = makeBooking({
        start: new Date('1997-09-02T09:00:00Z'),
        end: new Date('1997-09-02T10:00:00Z'),
        timeZone: 'UTC',
        recurrence: rrule,
      });
      assert.throws(
        () => expand(booking, new Date('1997-09-01Z'), new Date('1999-01-01Z')),
        (err: unknown) => err instanceof UnsupportedRecurrence && err.part === 'BYMONTHDAY',
      );
      assert.throws(() => graphEventFromBooking(booking), UnsupportedRecurrence);
    }
    // With BYMONTH it is Exchange's absoluteYearly.
    assert.deepEqual(
      [fromRRule('FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=15', start).pattern.type],
      ['absoluteYearly'],
    );
  });
});
