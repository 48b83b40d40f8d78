import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  RecurrenceError,
  normalizeRecurrence,
  occurrenceDates,
  type PatternedRecurrence,
} from '../../../emulators/graph/recurrence';

const ZONE = 'Pacific Standard Time';

function recurrence(pattern: Record<string, unknown>, range: Record<string, unknown>): PatternedRecurrence {
  return normalizeRecurrence({ pattern, range }, ZONE);
}

function dates(
  pattern: Record<string, unknown>,
  range: Record<string, unknown>,
  until = '2030-12-31',
): string[] {
  return occurrenceDates(recurrence(pattern, range), until);
}

function refused(pattern: unknown, range: unknown): RecurrenceError {
  try {
    normalizeRecurrence({ pattern, range }, ZONE);
  } catch (err) {
    assert.ok(err instanceof RecurrenceError, `expected a RecurrenceError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the recurrence to be refused');
}

describe('Graph emulator: recurrence patterns with Outlook semantics', () => {
  it('returns every field filled as Graph does, unused ones zeroed, enums in Graph casing', () => {
    const normalized = recurrence(
      { type: 'Weekly', interval: 1, daysOfWeek: ['Friday', 'monday'] },
      { type: 'noEnd', startDate: '2026-11-02' },
    );
    assert.deepEqual(normalized, {
      pattern: {
        type: 'weekly',
        interval: 1,
        month: 0,
        dayOfMonth: 0,
        daysOfWeek: ['monday', 'friday'],
        firstDayOfWeek: 'sunday',
        index: 'first',
      },
      range: {
        type: 'noEnd',
        startDate: '2026-11-02',
        endDate: '0001-01-01',
        recurrenceTimeZone: ZONE,
        numberOfOccurrences: 0,
      },
    });
    // What Graph returned reads back to the same recurrence (clients echo the zero-filled fields).
    assert.deepEqual(normalizeRecurrence(normalized, ZONE), normalized);
  });

  it('daily every 3 days, numbered', () => {
    assert.deepEqual(
      dates(
        { type: 'daily', interval: 3 },
        { type: 'numbered', startDate: '2026-02-26', numberOfOccurrences: 4 },
      ),
      ['2026-02-26', '2026-03-01', '2026-03-04', '2026-03-07'],
    );
  });

  it('weekly on several days, endDate inclusive', () => {
    assert.deepEqual(
      dates(
        { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'] },
        { type: 'endDate', startDate: '2026-11-02', endDate: '2026-11-11' },
      ),
      ['2026-11-02', '2026-11-04', '2026-11-09', '2026-11-11'],
    );
  });

  it('weekly with interval 2 counts weeks from firstDayOfWeek: Sunday- and Monday-start weeks differ', () => {
    // 2026-11-08 is a Sunday. With Sunday-start weeks it opens week 0 (Sun 8 – Sat 14), so the series has
    // Sun 8 and Mon 9, then skips a week. With Monday-start weeks Sun 8 closes week 0 (Mon 2 – Sun 8) and
    // Mon 9 opens week 1, which is skipped.
    const pattern = { type: 'weekly', interval: 2, daysOfWeek: ['sunday', 'monday'] };
    const range = { type: 'numbered', startDate: '2026-11-08', numberOfOccurrences: 4 };
    assert.deepEqual(dates({ ...pattern, firstDayOfWeek: 'sunday' }, range), [
      '2026-11-08',
      '2026-11-09',
      '2026-11-22',
      '2026-11-23',
    ]);
    assert.deepEqual(dates({ ...pattern, firstDayOfWeek: 'monday' }, range), [
      '2026-11-08',
      '2026-11-16',
      '2026-11-22',
      '2026-11-30',
    ]);
  });

  it('a startDate that does not fit the pattern starts the series at the first date that does', () => {
    // 2026-11-03 is a Tuesday; the pattern is Thursdays.
    assert.deepEqual(
      dates(
        { type: 'weekly', interval: 1, daysOfWeek: ['thursday'] },
        { type: 'numbered', startDate: '2026-11-03', numberOfOccurrences: 2 },
      ),
      ['2026-11-05', '2026-11-12'],
    );
    assert.deepEqual(
      dates(
        { type: 'absoluteMonthly', interval: 1, dayOfMonth: 10 },
        { type: 'numbered', startDate: '2026-11-20', numberOfOccurrences: 2 },
      ),
      ['2026-12-10', '2027-01-10'],
    );
  });

  it('absoluteMonthly on day 31 falls on the last day of shorter months (Outlook), not skipped (RFC 5545)', () => {
    assert.deepEqual(
      dates(
        { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
        { type: 'numbered', startDate: '2027-01-31', numberOfOccurrences: 5 },
      ),
      ['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31'],
    );
  });

  it('absoluteMonthly every 2 months and absoluteYearly on 29 February', () => {
    assert.deepEqual(
      dates(
        { type: 'absoluteMonthly', interval: 2, dayOfMonth: 30 },
        { type: 'endDate', startDate: '2026-12-30', endDate: '2027-06-30' },
      ),
      ['2026-12-30', '2027-02-28', '2027-04-30', '2027-06-30'],
    );
    assert.deepEqual(
      dates(
        { type: 'absoluteYearly', interval: 1, month: 2, dayOfMonth: 29 },
        { type: 'numbered', startDate: '2028-02-29', numberOfOccurrences: 3 },
      ),
      ['2028-02-29', '2029-02-28', '2030-02-28'],
    );
  });

  it('relativeMonthly: the n-th weekday, the last one, and the first of several days', () => {
    const range = { type: 'numbered', startDate: '2026-11-01', numberOfOccurrences: 3 };
    assert.deepEqual(
      dates({ type: 'relativeMonthly', interval: 1, daysOfWeek: ['thursday'], index: 'fourth' }, range),
      ['2026-11-26', '2026-12-24', '2027-01-28'],
    );
    assert.deepEqual(
      dates({ type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' }, range),
      ['2026-11-27', '2026-12-25', '2027-01-29'],
    );
    // "The first weekend day": 1 November 2026 is a Sunday, 1 January 2027 a Friday.
    assert.deepEqual(
      dates(
        { type: 'relativeMonthly', interval: 1, daysOfWeek: ['saturday', 'sunday'], index: 'first' },
        range,
      ),
      ['2026-11-01', '2026-12-05', '2027-01-02'],
    );
    // "The last weekday" of each month.
    assert.deepEqual(
      dates(
        {
          type: 'relativeMonthly',
          interval: 1,
          daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
          index: 'last',
        },
        range,
      ),
      ['2026-11-30', '2026-12-31', '2027-01-29'],
    );
  });

  it('relativeYearly: the last Monday of May, every year', () => {
    assert.deepEqual(
      dates(
        { type: 'relativeYearly', interval: 1, month: 5, daysOfWeek: ['monday'], index: 'last' },
        { type: 'numbered', startDate: '2026-05-25', numberOfOccurrences: 3 },
      ),
      ['2026-05-25', '2027-05-31', '2028-05-29'],
    );
  });

  it('a noEnd series stops at the requested date', () => {
    const all = dates(
      { type: 'daily', interval: 1 },
      { type: 'noEnd', startDate: '2026-11-25' },
      '2026-11-27',
    );
    assert.deepEqual(all, ['2026-11-25', '2026-11-26', '2026-11-27']);
  });

  it('refuses what Graph refuses, naming the property', () => {
    assert.match(
      refused({ type: 'weekly', interval: 1 }, { type: 'noEnd', startDate: '2026-11-02' }).message,
      /daysOfWeek/,
    );
    assert.match(
      refused({ type: 'daily', interval: 1 }, { type: 'endDate', startDate: '2026-11-02' }).message,
      /endDate/,
    );
    assert.match(
      refused({ type: 'absoluteMonthly', interval: 1 }, { type: 'noEnd', startDate: '2026-11-02' }).message,
      /dayOfMonth/,
    );
    assert.match(
      refused({ type: 'hourly', interval: 1 }, { type: 'noEnd', startDate: '2026-11-02' }).message,
      /hourly/,
    );
    assert.match(
      refused({ type: 'daily', interval: -1 }, { type: 'noEnd', startDate: '2026-11-02' }).message,
      /interval/,
    );
    assert.match(
      refused({ type: 'daily', interval: 1, month: 13 }, { type: 'noEnd', startDate: '2026-11-02' }).message,
      /month/,
    );
    assert.match(
      refused(
        { type: 'daily', interval: 1 },
        { type: 'endDate', startDate: '2026-11-02', endDate: '2026-11-01' },
      ).message,
      /before/,
    );
    assert.match(
      refused(
        { type: 'weekly', interval: 1, daysOfWeek: ['friday'] },
        { type: 'endDate', startDate: '2026-11-02', endDate: '2026-11-05' },
      ).message,
      /no occurrence/,
    );
    assert.equal(
      refused(
        { type: 'daily', interval: 1 },
        { type: 'noEnd', startDate: '2026-11-02', recurrenceTimeZone: 'Mars Standard Time' },
      ).code,
      'TimeZoneNotSupportedException',
    );
    assert.match(
      refused({ type: 'daily', interval: 1 }, { type: 'noEnd', startDate: '2026-13-02' }).message,
      /startDate/,
    );
  });
});
