import { InvalidBookingInput } from './errors';
import { instantOf, parseWallClock } from './local-time';
import { INDEX_ORDINAL, monthDayParts } from './outlook-days';
import { parsePatternedRecurrence, type DayOfWeek, type WeekIndex } from './patterned';
import { formatRRule, type RRuleParts } from './rrule-text';
import { readStart, type SeriesStart } from './series-start';
import { resolveTimeZone } from './time-zones';

/** Graph's patternedRecurrence → RRULE, with Outlook's semantics (convert.ts says which). */

function relativeParts(days: DayOfWeek[], index: WeekIndex): Pick<RRuleParts, 'byDay' | 'bySetPos'> {
  const ordinal = INDEX_ORDINAL[index];
  const [only] = days;
  // One day reads best, and is understood most widely, as `-1FR`; several need BYSETPOS.
  if (days.length === 1 && only) return { byDay: [{ ordinal, day: only }] };
  return { byDay: days.map((day) => ({ day })), bySetPos: [ordinal] };
}

function endOfDayUtc(date: string, zone: string): Date {
  return instantOf(
    { ...parseWallClock(`${date}T23:59:59`, 'recurrence.range.endDate'), millisecond: 0 },
    zone,
  );
}

/** Graph's patternedRecurrence as an RRULE evaluated from `start`. */
export function toRRule(recurrence: unknown, start: SeriesStart): string {
  const first = readStart(start);
  const { pattern, range } = parsePatternedRecurrence(recurrence, start.timeZone);
  if (range.startDate !== first.date) {
    throw new InvalidBookingInput(
      'recurrence.range.startDate',
      `${range.startDate} must be the date the series starts in its zone (${first.date})`,
    );
  }
  const parts: RRuleParts = { freq: 'DAILY', interval: pattern.interval };
  switch (pattern.type) {
    case 'daily':
      break;
    case 'weekly':
      Object.assign(parts, {
        freq: 'WEEKLY',
        byDay: pattern.daysOfWeek.map((day) => ({ day })),
        // Only an interval > 1 depends on where weeks begin.
        ...(pattern.interval > 1 ? { wkst: pattern.firstDayOfWeek } : {}),
      });
      break;
    case 'absoluteMonthly':
      Object.assign(parts, { freq: 'MONTHLY', ...monthDayParts(pattern.dayOfMonth) });
      break;
    case 'relativeMonthly':
      Object.assign(parts, { freq: 'MONTHLY', ...relativeParts(pattern.daysOfWeek, pattern.index) });
      break;
    case 'absoluteYearly':
      Object.assign(parts, {
        freq: 'YEARLY',
        byMonth: [pattern.month],
        ...monthDayParts(pattern.dayOfMonth, pattern.month),
      });
      break;
    case 'relativeYearly':
      Object.assign(parts, {
        freq: 'YEARLY',
        byMonth: [pattern.month],
        ...relativeParts(pattern.daysOfWeek, pattern.index),
      });
      break;
  }
  if (range.type === 'numbered') parts.count = range.numberOfOccurrences;
  if (range.type === 'endDate') {
    const zone = resolveTimeZone(range.recurrenceTimeZone).zone;
    parts.until = { kind: 'utc', instant: endOfDayUtc(range.endDate, zone) };
  }
  return formatRRule(parts);
}
