/** Recurrence and time zones for the pure core: patternedRecurrence ↔ RRULE, expansion, zone names. */
export { toRRule, fromRRule, canonicalRRule, seriesStartOf, type SeriesStart } from './convert';
export { samePattern } from './rrule-text';
export { expand, lastOccurrenceStart, type Occurrence, type Schedule } from './expand';
export {
  windowsToIana,
  ianaToWindows,
  resolveTimeZone,
  graphZoneName,
  type ResolvedZone,
} from './time-zones';
export {
  parsePatternedRecurrence,
  type PatternedRecurrence,
  type RecurrencePattern,
  type RecurrenceRange,
  type DayOfWeek,
  type WeekIndex,
  type PatternType,
  type RangeType,
} from './patterned';
