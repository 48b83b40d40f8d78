import { DateTime } from 'luxon';
import { ianaZone } from './time';

/**
 * Graph's patternedRecurrence with Outlook's semantics, evaluated on local dates only: the series' wall-clock
 * time is applied later (series.ts), so daylight-saving changes never shift a date here.
 *
 * The rules follow Exchange rather than RFC 5545 where the two differ:
 * - a dayOfMonth past the end of a shorter month falls on that month's last day (Outlook's "day 31" means
 *   "the last day" in April), where an RRULE BYMONTHDAY=31 skips the month;
 * - weekly with interval > 1 counts weeks that begin on firstDayOfWeek, the week holding startDate being
 *   week 0, so the same pattern yields different dates for a Sunday- and a Monday-start week;
 * - relative patterns with several daysOfWeek pick the n-th day of the month that is any of them
 *   ("the first weekend day"), and `last` the last such day;
 * - a range startDate that does not fit the pattern starts the series on the first date after it that does;
 * - an endDate range includes endDate; a numbered range counts occurrences, not pattern periods.
 */

export const DAYS_OF_WEEK = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

export const WEEK_INDEXES = ['first', 'second', 'third', 'fourth', 'last'] as const;
export type WeekIndex = (typeof WEEK_INDEXES)[number];

const PATTERN_TYPES = [
  'daily',
  'weekly',
  'absoluteMonthly',
  'relativeMonthly',
  'absoluteYearly',
  'relativeYearly',
] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

const RANGE_TYPES = ['endDate', 'noEnd', 'numbered'] as const;
export type RangeType = (typeof RANGE_TYPES)[number];

export interface RecurrencePattern {
  type: PatternType;
  interval: number;
  month: number;
  dayOfMonth: number;
  daysOfWeek: DayOfWeek[];
  firstDayOfWeek: DayOfWeek;
  index: WeekIndex;
}

export interface RecurrenceRange {
  type: RangeType;
  startDate: string;
  endDate: string;
  recurrenceTimeZone: string;
  numberOfOccurrences: number;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

/** A recurrence Graph would refuse; `code` is the error code of Graph's 400 answer. */
export class RecurrenceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RecurrenceError';
  }
}

/** Graph's answer to a recurrence it cannot read, whichever property is wrong. */
function invalid(message: string): RecurrenceError {
  return new RecurrenceError('ErrorInvalidRequest', message);
}

/** Graph's answer to a readable recurrence Exchange cannot schedule. */
function unschedulable(message: string): RecurrenceError {
  return new RecurrenceError('ErrorPropertyValidationFailure', message);
}

/** What Graph returns in a field the pattern or range type does not use. */
const UNUSED_DATE = '0001-01-01';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A client's value as an error message quotes it. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function enumValue<T extends string>(values: readonly T[], value: unknown, property: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  // Graph reads enum members case-insensitively and always writes them back in its own casing.
  const match =
    typeof value === 'string' ? values.find((v) => v.toLowerCase() === value.toLowerCase()) : undefined;
  if (match === undefined) {
    throw invalid(`The value '${shown(value)}' is not valid for the property '${property}'.`);
  }
  return match;
}

function integer(value: unknown, property: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid(
      `Cannot convert the literal '${shown(value)}' to the expected type 'Edm.Int32' in '${property}'.`,
    );
  }
  // Graph writes 0 into unused numeric fields; clients echo them back, so 0 reads as "not given".
  if (value === 0) return undefined;
  if (value < min || value > max) {
    throw unschedulable(
      `The value ${String(value)} of '${property}' must be between ${String(min)} and ${String(max)}.`,
    );
  }
  return value;
}

function date(value: unknown, property: string): string | undefined {
  if (value === undefined || value === null || value === UNUSED_DATE) return undefined;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || !DateTime.fromISO(value).isValid) {
    throw invalid(
      `Cannot convert the literal '${shown(value)}' to the expected type 'Edm.Date' in '${property}'.`,
    );
  }
  return value;
}

function required<T>(value: T | undefined, property: string, type: string): T {
  if (value === undefined) {
    throw unschedulable(`'${property}' is required for a recurrence of type '${type}'.`);
  }
  return value;
}

function daysOfWeek(value: unknown): DayOfWeek[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid("The property 'daysOfWeek' must be a collection.");
  const days = new Set(value.map((day) => enumValue(DAYS_OF_WEEK, day, 'daysOfWeek')));
  // Graph returns the days in week order, whatever order the client sent them in.
  return DAYS_OF_WEEK.filter((day) => days.has(day));
}

/** Exchange's limits on the interval of each kind of pattern. */
const MAX_INTERVAL: Record<PatternType, number> = {
  daily: 999,
  weekly: 99,
  absoluteMonthly: 99,
  relativeMonthly: 99,
  absoluteYearly: 99,
  relativeYearly: 99,
};

function normalizePattern(input: unknown): RecurrencePattern {
  if (!isRecord(input)) throw invalid("The recurrence must have a 'pattern' object.");
  const type = enumValue(PATTERN_TYPES, input.type, 'pattern.type');
  if (type === undefined) throw invalid("The property 'pattern.type' is required.");
  const interval = required(integer(input.interval, 'interval', 1, MAX_INTERVAL[type]), 'interval', type);
  // Every field is validated, even one the type ignores, as Graph does.
  const month = integer(input.month, 'month', 1, 12);
  const dayOfMonth = integer(input.dayOfMonth, 'dayOfMonth', 1, 31);
  const days = daysOfWeek(input.daysOfWeek);
  const firstDayOfWeek = enumValue(DAYS_OF_WEEK, input.firstDayOfWeek, 'firstDayOfWeek') ?? 'sunday';
  const index = enumValue(WEEK_INDEXES, input.index, 'index') ?? 'first';
  const unused: RecurrencePattern = {
    type,
    interval,
    month: 0,
    dayOfMonth: 0,
    daysOfWeek: [],
    firstDayOfWeek: 'sunday',
    index: 'first',
  };
  const needDays = (): DayOfWeek[] => {
    if (days.length === 0)
      throw unschedulable(`'daysOfWeek' is required for a recurrence of type '${type}'.`);
    return days;
  };
  switch (type) {
    case 'daily':
      return unused;
    case 'weekly':
      return { ...unused, daysOfWeek: needDays(), firstDayOfWeek };
    case 'absoluteMonthly':
      return { ...unused, dayOfMonth: required(dayOfMonth, 'dayOfMonth', type) };
    case 'relativeMonthly':
      return { ...unused, daysOfWeek: needDays(), index };
    case 'absoluteYearly':
      return {
        ...unused,
        month: required(month, 'month', type),
        dayOfMonth: required(dayOfMonth, 'dayOfMonth', type),
      };
    case 'relativeYearly':
      return { ...unused, month: required(month, 'month', type), daysOfWeek: needDays(), index };
  }
}

function normalizeRange(input: unknown, eventTimeZone: string): RecurrenceRange {
  if (!isRecord(input)) throw invalid("The recurrence must have a 'range' object.");
  const type = enumValue(RANGE_TYPES, input.type, 'range.type');
  if (type === undefined) throw invalid("The property 'range.type' is required.");
  const startDate = required(date(input.startDate, 'startDate'), 'startDate', type);
  const endDate = date(input.endDate, 'endDate');
  const count = integer(input.numberOfOccurrences, 'numberOfOccurrences', 1, 999);
  let zone = eventTimeZone;
  if (input.recurrenceTimeZone !== undefined && input.recurrenceTimeZone !== null) {
    if (typeof input.recurrenceTimeZone !== 'string' || !ianaZone(input.recurrenceTimeZone)) {
      throw new RecurrenceError(
        'TimeZoneNotSupportedException',
        `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${shown(input.recurrenceTimeZone)}'.`,
      );
    }
    zone = input.recurrenceTimeZone;
  }
  const range: RecurrenceRange = {
    type,
    startDate,
    endDate: UNUSED_DATE,
    recurrenceTimeZone: zone,
    numberOfOccurrences: 0,
  };
  switch (type) {
    case 'noEnd':
      return range;
    case 'numbered':
      return { ...range, numberOfOccurrences: required(count, 'numberOfOccurrences', type) };
    case 'endDate': {
      const end = required(endDate, 'endDate', type);
      if (end < startDate) {
        throw unschedulable(`The recurrence end date '${end}' is before its start date '${startDate}'.`);
      }
      return { ...range, endDate: end };
    }
  }
}

/**
 * A client's `recurrence` as Graph stores and returns it: validated, enum casing fixed, unused fields
 * zero-filled, recurrenceTimeZone defaulted to the event's start zone. Throws RecurrenceError.
 */
export function normalizeRecurrence(input: unknown, eventTimeZone: string): PatternedRecurrence {
  if (!isRecord(input)) throw invalid("The property 'recurrence' must be an object.");
  const recurrence = {
    pattern: normalizePattern(input.pattern),
    range: normalizeRange(input.range, eventTimeZone),
  };
  if (occurrenceDates(recurrence, '9999-12-31', 1).length === 0) {
    throw unschedulable('The recurrence pattern has no occurrence within its range.');
  }
  return recurrence;
}

// Calendar arithmetic on plain dates, in UTC so that no zone can move a day.

function parse(value: string): DateTime {
  return DateTime.fromISO(value, { zone: 'UTC' });
}

function format(value: DateTime): string {
  return value.toISODate() ?? '';
}

/** Luxon numbers weekdays 1 (Monday) to 7 (Sunday); Graph's list starts on Sunday. */
function dayOfWeek(value: DateTime): DayOfWeek {
  return DAYS_OF_WEEK[value.weekday % 7] ?? 'sunday';
}

function clampedDay(year: number, month: number, day: number): DateTime {
  const first = DateTime.fromObject({ year, month, day: 1 }, { zone: 'UTC' });
  return first.set({ day: Math.min(day, first.daysInMonth ?? 28) });
}

/** The n-th (or last) day of a month that is one of `days`. */
function relativeDay(year: number, month: number, days: readonly DayOfWeek[], index: WeekIndex): DateTime {
  const first = DateTime.fromObject({ year, month, day: 1 }, { zone: 'UTC' });
  const matching: DateTime[] = [];
  for (let day = first; day.month === month; day = day.plus({ days: 1 })) {
    if (days.includes(dayOfWeek(day))) matching.push(day);
  }
  const position = index === 'last' ? matching.length - 1 : WEEK_INDEXES.indexOf(index);
  // Any weekday occurs at least four times a month, so `fourth` always exists.
  return matching[position] ?? first;
}

/** Candidate dates of a pattern from `start` on, in order and unbounded; the range decides where to stop. */
function* patternDates(pattern: RecurrencePattern, start: DateTime): Generator<DateTime> {
  const { interval } = pattern;
  switch (pattern.type) {
    case 'daily':
      for (let day = start; ; day = day.plus({ days: interval })) yield day;
    case 'weekly': {
      const offset = (start.weekday % 7) - DAYS_OF_WEEK.indexOf(pattern.firstDayOfWeek);
      let weekStart = start.minus({ days: (offset + 7) % 7 });
      for (;;) {
        for (let i = 0; i < 7; i += 1) {
          const day = weekStart.plus({ days: i });
          if (pattern.daysOfWeek.includes(dayOfWeek(day))) yield day;
        }
        weekStart = weekStart.plus({ weeks: interval });
      }
    }
    case 'absoluteMonthly':
    case 'relativeMonthly': {
      for (let month = start.startOf('month'); ; month = month.plus({ months: interval })) {
        yield pattern.type === 'absoluteMonthly'
          ? clampedDay(month.year, month.month, pattern.dayOfMonth)
          : relativeDay(month.year, month.month, pattern.daysOfWeek, pattern.index);
      }
    }
    case 'absoluteYearly':
    case 'relativeYearly': {
      for (let year = start.year; ; year += interval) {
        yield pattern.type === 'absoluteYearly'
          ? clampedDay(year, pattern.month, pattern.dayOfMonth)
          : relativeDay(year, pattern.month, pattern.daysOfWeek, pattern.index);
      }
    }
  }
}

/**
 * The local dates (YYYY-MM-DD, in the series' zone) of a recurrence's occurrences, in order, up to and
 * including `until`, at most `limit` of them. Cancellations and exceptions are the caller's business.
 */
export function occurrenceDates(recurrence: PatternedRecurrence, until: string, limit = 100_000): string[] {
  const { range } = recurrence;
  const last = range.type === 'endDate' && range.endDate < until ? range.endDate : until;
  const max = range.type === 'numbered' ? Math.min(limit, range.numberOfOccurrences) : limit;
  const dates: string[] = [];
  if (max <= 0) return dates;
  for (const candidate of patternDates(recurrence.pattern, parse(range.startDate))) {
    const value = format(candidate);
    if (value > last) break;
    // A startDate that does not fit the pattern: the series begins at the first date after it that does.
    if (value < range.startDate) continue;
    dates.push(value);
    if (dates.length >= max) break;
  }
  return dates;
}
