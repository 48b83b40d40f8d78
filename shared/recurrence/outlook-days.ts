import type { RRuleParts } from './rrule-text';
import type { WeekIndex } from './patterned';

/** Outlook's week indexes and days of the month in RFC 5545's terms, which both converters share. */

export const INDEX_ORDINAL: Record<WeekIndex, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  last: -1,
};

/** Days in each month at most (leap February) and at least. */
export const MAX_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const MIN_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Outlook's day-of-month as BYMONTHDAY (+ BYSETPOS): the day, or the last day of a month shorter than it. */
export function monthDayParts(day: number, month?: number): Pick<RRuleParts, 'byMonthDay' | 'bySetPos'> {
  const clamped = month === undefined ? day : Math.min(day, MAX_DAYS[month - 1] ?? 31);
  const shortest = month === undefined ? 28 : (MIN_DAYS[month - 1] ?? 28);
  if (clamped <= shortest) return { byMonthDay: [clamped] };
  if (clamped === 31) return { byMonthDay: [-1] };
  const candidates: number[] = [];
  for (let d = shortest; d <= clamped; d += 1) candidates.push(d);
  return { byMonthDay: candidates, bySetPos: [-1] };
}
