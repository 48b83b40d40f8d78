import { z } from 'zod';
import { InvalidBookingInput } from './errors';

/** Graph's patternedRecurrence, every field present as Graph returns it (unused ones zero-filled). */

export const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type DayOfWeek = (typeof DAYS)[number];

export const WEEK_INDEXES = ['first', 'second', 'third', 'fourth', 'last'] as const;
export type WeekIndex = (typeof WEEK_INDEXES)[number];

export const PATTERN_TYPES = [
  'daily',
  'weekly',
  'absoluteMonthly',
  'relativeMonthly',
  'absoluteYearly',
  'relativeYearly',
] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

export const RANGE_TYPES = ['endDate', 'noEnd', 'numbered'] as const;
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
  /** YYYY-MM-DD: the date the series starts. */
  startDate: string;
  /** YYYY-MM-DD, inclusive, in recurrenceTimeZone; `0001-01-01` when the range type is not endDate. */
  endDate: string;
  recurrenceTimeZone: string;
  /** 0 when the range type is not numbered. */
  numberOfOccurrences: number;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

/** Exchange's upper limits for `interval`, per pattern type. */
export const MAX_INTERVAL: Record<PatternType, number> = {
  daily: 999,
  weekly: 99,
  absoluteMonthly: 99,
  relativeMonthly: 99,
  absoluteYearly: 99,
  relativeYearly: 99,
};

/** Exchange's limit on a numbered range. */
export const MAX_OCCURRENCES = 999;

export const UNUSED_DATE = '0001-01-01';

/** An enum member in any casing, returned in Graph's casing. */
const caseless = <T extends string>(values: readonly T[]) =>
  z.string().transform((value, ctx): T => {
    const match = values.find((v) => v.toLowerCase() === value.toLowerCase());
    if (match === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected one of ${values.join(', ')}, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return match;
  });

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-03-30')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'not a valid date');

/** Graph's zero in an unused numeric field reads as "not given". */
const optionalNumber = (min: number, max: number) =>
  z
    .number()
    .int()
    .min(0)
    .max(max)
    .refine((value) => value === 0 || value >= min, `expected ${String(min)} to ${String(max)}`)
    .nullish()
    .transform((value) => value ?? 0);

const patternSchema = z.object({
  type: caseless(PATTERN_TYPES),
  interval: z.number().int().min(1, 'must be at least 1'),
  month: optionalNumber(1, 12),
  dayOfMonth: optionalNumber(1, 31),
  daysOfWeek: z.array(caseless(DAYS)).nullish(),
  firstDayOfWeek: caseless(DAYS).nullish(),
  index: caseless(WEEK_INDEXES).nullish(),
});

const rangeSchema = z.object({
  type: caseless(RANGE_TYPES),
  startDate: isoDate,
  endDate: isoDate.nullish(),
  recurrenceTimeZone: z.string().nullish(),
  numberOfOccurrences: z.number().int().min(0).max(MAX_OCCURRENCES).nullish(),
});

const recurrenceSchema = z.object({ pattern: patternSchema, range: rangeSchema });

function fail(path: string, message: string): never {
  throw new InvalidBookingInput(path, message);
}

/**
 * Reads a patternedRecurrence as a client or Graph may send it (enum casing free, unused fields absent or
 * zero) into the complete, Graph-normalised form; `path` prefixes the field named in an error.
 */
export function parsePatternedRecurrence(
  input: unknown,
  defaultTimeZone: string,
  path = 'recurrence',
): PatternedRecurrence {
  const parsed = recurrenceSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = [path, ...(issue?.path ?? []).map(String)].join('.');
    fail(where, issue?.message ?? 'invalid recurrence');
  }
  const { pattern: p, range: r } = parsed.data;
  const days = DAYS.filter((day) => p.daysOfWeek?.includes(day));
  if (p.interval > MAX_INTERVAL[p.type]) {
    fail(`${path}.pattern.interval`, `Exchange allows at most ${String(MAX_INTERVAL[p.type])} for ${p.type}`);
  }
  const needs = (field: 'month' | 'dayOfMonth' | 'daysOfWeek'): void => {
    const missing = field === 'daysOfWeek' ? days.length === 0 : p[field] === 0;
    if (missing) fail(`${path}.pattern.${field}`, `required for a ${p.type} pattern`);
  };
  const pattern: RecurrencePattern = {
    type: p.type,
    interval: p.interval,
    month: 0,
    dayOfMonth: 0,
    daysOfWeek: [],
    firstDayOfWeek: 'sunday',
    index: 'first',
  };
  switch (p.type) {
    case 'daily':
      break;
    case 'weekly':
      needs('daysOfWeek');
      Object.assign(pattern, { daysOfWeek: days, firstDayOfWeek: p.firstDayOfWeek ?? 'sunday' });
      break;
    case 'absoluteMonthly':
      needs('dayOfMonth');
      pattern.dayOfMonth = p.dayOfMonth;
      break;
    case 'relativeMonthly':
      needs('daysOfWeek');
      Object.assign(pattern, { daysOfWeek: days, index: p.index ?? 'first' });
      break;
    case 'absoluteYearly':
      needs('month');
      needs('dayOfMonth');
      Object.assign(pattern, { month: p.month, dayOfMonth: p.dayOfMonth });
      break;
    case 'relativeYearly':
      needs('month');
      needs('daysOfWeek');
      Object.assign(pattern, { month: p.month, daysOfWeek: days, index: p.index ?? 'first' });
      break;
  }
  const range: RecurrenceRange = {
    type: r.type,
    startDate: r.startDate,
    endDate: UNUSED_DATE,
    recurrenceTimeZone: r.recurrenceTimeZone?.trim() || defaultTimeZone,
    numberOfOccurrences: 0,
  };
  if (r.type === 'endDate') {
    if (!r.endDate || r.endDate === UNUSED_DATE)
      fail(`${path}.range.endDate`, 'required for an endDate range');
    if (r.endDate < r.startDate)
      fail(`${path}.range.endDate`, `${r.endDate} is before startDate ${r.startDate}`);
    range.endDate = r.endDate;
  }
  if (r.type === 'numbered') {
    if (!r.numberOfOccurrences)
      fail(`${path}.range.numberOfOccurrences`, 'required (at least 1) for a numbered range');
    range.numberOfOccurrences = r.numberOfOccurrences;
  }
  return { pattern, range };
}
