import { DateTime } from 'luxon';
import { InvalidBookingInput, UnsupportedRecurrence } from './errors';
import { instantOf, localDate, parseWallClock } from './local-time';
import { INDEX_ORDINAL, MIN_DAYS, monthDayParts } from './outlook-days';
import {
  DAYS,
  MAX_INTERVAL,
  MAX_OCCURRENCES,
  UNUSED_DATE,
  WEEK_INDEXES,
  type DayOfWeek,
  type PatternType,
  type PatternedRecurrence,
  type RecurrencePattern,
  type WeekIndex,
} from './patterned';
import { parseRRule, type RRuleParts, type Until, type WeekdayNum } from './rrule-text';
import { readStart, type SeriesStart, type Start } from './series-start';

/**
 * RRULE → Graph's patternedRecurrence, with Outlook's semantics (convert.ts says which); a rule Exchange
 * cannot express throws UnsupportedRecurrence naming the part it lacks.
 */

function unsupported(part: string, message: string): never {
  throw new UnsupportedRecurrence(part, message);
}

function indexOf(ordinal: number | undefined, part: string): WeekIndex {
  const index = WEEK_INDEXES.find((i) => INDEX_ORDINAL[i] === ordinal);
  if (!index) {
    unsupported(
      part,
      `Exchange can pick the first to fourth or the last day of a month, not position ${String(ordinal)}`,
    );
  }
  return index;
}

/** BYDAY (+ BYSETPOS) of a monthly or yearly rule as Outlook's days and index. */
function relativeFrom(
  byDay: WeekdayNum[],
  bySetPos: number[] | undefined,
): { days: DayOfWeek[]; index: WeekIndex } {
  const days = DAYS.filter((day) => byDay.some((d) => d.day === day));
  const ordinals = new Set(byDay.map((d) => d.ordinal));
  if (bySetPos) {
    if (ordinals.size !== 1 || !ordinals.has(undefined)) {
      unsupported('BYDAY', 'with BYSETPOS, the days must have no ordinal');
    }
    if (bySetPos.length !== 1) unsupported('BYSETPOS', 'Exchange picks one position a month');
    return { days, index: indexOf(bySetPos[0], 'BYSETPOS') };
  }
  const [only] = byDay;
  if (byDay.length !== 1 || only?.ordinal === undefined) {
    unsupported(
      'BYDAY',
      'Exchange repeats on one day of the month: use one ordinal day (2TU, -1FR) or BYSETPOS',
    );
  }
  return { days, index: indexOf(only.ordinal, 'BYDAY') };
}

/** BYMONTHDAY (+ BYSETPOS) as Outlook's dayOfMonth, refusing RFC 5545's "skip the short months". */
function dayOfMonthFrom(byMonthDay: number[], bySetPos: number[] | undefined, month?: number): number {
  const sorted = [...byMonthDay].sort((a, b) => a - b);
  const shortest = month === undefined ? 28 : (MIN_DAYS[month - 1] ?? 28);
  const [only] = sorted;
  if (!bySetPos && sorted.length === 1 && only !== undefined) {
    if (only === -1) return 31;
    if (only >= 1 && only <= shortest) return only;
    if (only > shortest) {
      unsupported(
        'BYMONTHDAY',
        `BYMONTHDAY=${String(only)} skips the months that have no day ${String(only)}; Exchange moves them to the last day of the month instead (write BYMONTHDAY=${monthDayParts(only, month).byMonthDay?.join(',') ?? ''}${only === 31 ? '' : ';BYSETPOS=-1'} for that)`,
      );
    }
  }
  // "The last of days shortest..d": Outlook's day d with short months falling on their last day.
  const last = sorted.at(-1) ?? 0;
  const run = sorted.every((d, i) => d === shortest + i);
  if (bySetPos?.length === 1 && bySetPos[0] === -1 && run && sorted[0] === shortest && last <= 31)
    return last;
  return unsupported(
    'BYMONTHDAY',
    `Exchange repeats on one day of the month; got BYMONTHDAY=${byMonthDay.join(',')}`,
  );
}

function only(parts: RRuleParts, allowed: (keyof RRuleParts)[], freq: string): void {
  for (const key of ['byDay', 'byMonthDay', 'byMonth', 'bySetPos'] as const) {
    if (parts[key] !== undefined && !allowed.includes(key)) {
      unsupported(
        key.replace(/^by/, 'BY').toUpperCase(),
        `Exchange has no ${freq} pattern with ${key.replace(/^by/, 'BY').toUpperCase()}`,
      );
    }
  }
}

function endDateFrom(until: Until, start: Start): string {
  if (until.kind === 'date') return until.date;
  const last =
    until.kind === 'utc' ? until.instant : instantOf(parseWallClock(until.text, 'recurrence'), start.zone);
  const date = localDate(last, start.zone);
  // UNTIL's own day keeps its occurrence if that starts by UNTIL: at the series' time of day, or later
  // when that time is skipped by a daylight-saving change (RFC 5545 §3.3.10 reads it with the offset
  // before the gap, which can put it past UNTIL). Otherwise the series ends the day before.
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  const occurrence = instantOf({ ...start.wall, year, month, day }, start.zone);
  return occurrence <= last
    ? date
    : DateTime.fromObject({ year, month, day }, { zone: 'UTC' }).minus({ days: 1 }).toFormat('yyyy-MM-dd');
}

/** An RRULE evaluated from `start` as Graph's patternedRecurrence; UnsupportedRecurrence names what Exchange lacks. */
export function fromRRule(rrule: string, start: SeriesStart): PatternedRecurrence {
  const parts = parseRRule(rrule);
  const first = readStart(start);
  const base: RecurrencePattern = {
    type: 'daily',
    interval: parts.interval,
    month: 0,
    dayOfMonth: 0,
    daysOfWeek: [],
    firstDayOfWeek: 'sunday',
    index: 'first',
  };
  let pattern: RecurrencePattern;
  switch (parts.freq) {
    case 'DAILY':
      only(parts, ['byDay'], 'daily');
      if (parts.byDay) {
        // "Every weekday" is daily in iCalendar and weekly in Exchange.
        if (parts.interval !== 1)
          unsupported('BYDAY', 'Exchange has no daily pattern every N days on given weekdays');
        if (parts.byDay.some((d) => d.ordinal !== undefined))
          unsupported('BYDAY', 'a daily rule takes no ordinal days');
        pattern = {
          ...base,
          type: 'weekly',
          daysOfWeek: DAYS.filter((day) => parts.byDay?.some((d) => d.day === day)),
        };
      } else pattern = base;
      break;
    case 'WEEKLY': {
      only(parts, ['byDay'], 'weekly');
      if (parts.byDay?.some((d) => d.ordinal !== undefined))
        unsupported('BYDAY', 'a weekly rule takes no ordinal days');
      const days = parts.byDay
        ? DAYS.filter((day) => parts.byDay?.some((d) => d.day === day))
        : [first.weekday];
      pattern = {
        ...base,
        type: 'weekly',
        daysOfWeek: days,
        // RFC 5545's weeks start on Monday unless WKST says otherwise; Graph's default is Sunday, which
        // only matters (and is only written) for an interval > 1.
        firstDayOfWeek: parts.wkst ?? (parts.interval > 1 ? 'monday' : 'sunday'),
      };
      break;
    }
    case 'MONTHLY':
      only(parts, ['byDay', 'byMonthDay', 'bySetPos'], 'monthly');
      pattern = monthlyOrYearly(parts, base, first, undefined);
      break;
    case 'YEARLY': {
      only(parts, ['byDay', 'byMonthDay', 'bySetPos', 'byMonth'], 'yearly');
      if (parts.byMonth && parts.byMonth.length !== 1)
        unsupported('BYMONTH', 'Exchange repeats yearly in one month');
      if (!parts.byMonth && parts.byDay) unsupported('BYDAY', 'a yearly rule on weekdays needs BYMONTH');
      // RFC 5545 repeats such a rule on that day of every month (python-dateutil's testYearlyByMonthDay);
      // its author likely meant once a year. Either reading would silently change someone's series.
      if (!parts.byMonth && parts.byMonthDay) {
        unsupported(
          'BYMONTHDAY',
          'a yearly rule with BYMONTHDAY needs BYMONTH: without it RFC 5545 repeats on that day of every month (write FREQ=MONTHLY for that, or add the month)',
        );
      }
      const month = parts.byMonth?.[0] ?? first.month;
      pattern = { ...monthlyOrYearly(parts, base, first, month), month };
      break;
    }
  }
  const limit = MAX_INTERVAL[pattern.type];
  if (pattern.interval > limit)
    unsupported('INTERVAL', `Exchange allows an interval of at most ${String(limit)} for ${pattern.type}`);
  if (parts.count !== undefined && parts.count > MAX_OCCURRENCES) {
    unsupported('COUNT', `Exchange allows at most ${String(MAX_OCCURRENCES)} occurrences`);
  }
  const range = {
    type: 'noEnd' as const,
    startDate: first.date,
    endDate: UNUSED_DATE,
    recurrenceTimeZone: start.timeZone,
    numberOfOccurrences: 0,
  };
  if (parts.count !== undefined)
    return { pattern, range: { ...range, type: 'numbered', numberOfOccurrences: parts.count } };
  if (parts.until) {
    const endDate = endDateFrom(parts.until, first);
    if (endDate < first.date)
      throw new InvalidBookingInput('recurrence', `UNTIL ends the series before its start (${first.date})`);
    return { pattern, range: { ...range, type: 'endDate', endDate } };
  }
  return { pattern, range };
}

function monthlyOrYearly(
  parts: RRuleParts,
  base: RecurrencePattern,
  first: Start,
  month: number | undefined,
): RecurrencePattern {
  const yearly = month !== undefined;
  const type = (relative: boolean): PatternType =>
    relative
      ? yearly
        ? 'relativeYearly'
        : 'relativeMonthly'
      : yearly
        ? 'absoluteYearly'
        : 'absoluteMonthly';
  if (parts.byDay && parts.byMonthDay)
    unsupported('BYMONTHDAY', 'Exchange cannot combine a day of the month with weekdays');
  if (parts.byDay) {
    const { days, index } = relativeFrom(parts.byDay, parts.bySetPos);
    return { ...base, type: type(true), daysOfWeek: days, index };
  }
  if (parts.byMonthDay)
    return {
      ...base,
      type: type(false),
      dayOfMonth: dayOfMonthFrom(parts.byMonthDay, parts.bySetPos, month),
    };
  if (parts.bySetPos) unsupported('BYSETPOS', 'BYSETPOS needs BYDAY or BYMONTHDAY');
  // No BY part: the start's day of the month, which RFC 5545 skips in shorter months.
  return { ...base, type: type(false), dayOfMonth: dayOfMonthFrom([first.day], undefined, month) };
}
