import { fromRRule } from './from-rrule';
import type { SeriesStart } from './series-start';
import { toRRule } from './to-rrule';

/**
 * Graph patternedRecurrence ↔ RRULE with Outlook's semantics, which RFC 5545 can state exactly:
 * - Outlook's "day 31" (or 29, 30) falls on the last day of a shorter month, where BYMONTHDAY=31 skips
 *   the month: day 31 is BYMONTHDAY=-1, day 30 is BYMONTHDAY=28,29,30;BYSETPOS=-1, day 29 likewise;
 * - firstDayOfWeek is WKST (Outlook, like RFC 5545, counts weeks of an interval > 1 from the week that
 *   holds the start); RFC 5545's default WKST is Monday, Graph's firstDayOfWeek default is Sunday;
 * - a start that does not fit the pattern is not an occurrence: Outlook begins at the first date after it
 *   that fits and counts the interval from there (RFC 5545 counts it from DTSTART's period); the mappings
 *   move such a series' start to that occurrence, where both readings agree;
 * - an endDate is a local date in recurrenceTimeZone, inclusive: UNTIL is the last second of that day,
 *   in UTC as RFC 5545 requires when the start has a zone.
 * A start is `{ dateTime, timeZone }` as Graph writes it, local to the series' own zone.
 */

export { toRRule } from './to-rrule';
export { fromRRule } from './from-rrule';
export { seriesStartOf, type SeriesStart } from './series-start';

/** An RRULE in the canonical spelling toRRule writes (`BYDAY=-1FR`, not `BYDAY=FR;BYSETPOS=-1`). */
export function canonicalRRule(rrule: string, start: SeriesStart): string {
  return toRRule(fromRRule(rrule, start), start);
}
