import { RecurrenceTooLarge } from './errors';
import { instantsIn, type WallClock } from './local-time';
import { DAYS, type DayOfWeek, type PatternedRecurrence, type WeekIndex } from './patterned';

/**
 * The dates of an Exchange recurrence pattern, computed on plain local dates and placed at the series'
 * wall-clock time in its zone. Only Exchange's six pattern types come here (an RRULE is read through
 * `fromRRule`, which refuses what Exchange cannot express before anything is expanded), and each of them
 * occurs in every period of its interval: a day 31 falls on the last day of a shorter month, a `fourth`
 * or `last` weekday always exists. So the work of a call is proportional to the occurrences in the window
 * it asks for: the first period of the window is computed, not walked to, and no rule can make the walk
 * search for a date that never comes. A call that would produce more than EXPANSION_BUDGET occurrences
 * refuses with RecurrenceTooLarge.
 */

/** The most occurrences one call computes: 13 years of a daily series, 5 of one on every day of the week. */
export const EXPANSION_BUDGET = 5_000;

const DAY_MS = 86_400_000;

/** A local date as the number of days since 1970-01-01 (proleptic Gregorian), so dates add as numbers. */
type Day = number;

function dayOf(year: number, month: number, day: number): Day {
  const at = new Date(0);
  // setUTCFullYear, not Date.UTC, which reads the years 0–99 as 1900–1999.
  at.setUTCFullYear(year, month - 1, day);
  return Math.round(at.getTime() / DAY_MS);
}

function dateOf(day: Day): { year: number; month: number; day: number } {
  const at = new Date(day * DAY_MS);
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() };
}

/** 0 for Sunday … 6 for Saturday (1970-01-01 was a Thursday). */
const weekdayOf = (day: Day): number => (((day + 4) % 7) + 7) % 7;

const daysInMonth = (year: number, month: number): number =>
  dayOf(year, month + 1, 1) - dayOf(year, month, 1);

/** Year 9999's last day: the calendar ends there for Exchange as for every reader of these dates. */
const LAST_DAY = dayOf(9999, 12, 31);

const ORDINAL: Record<WeekIndex, number> = { first: 0, second: 1, third: 2, fourth: 3, last: -1 };

/** The index-th day of a month that is one of `weekdays` (`last`: the last such day). */
function relativeDay(year: number, month: number, weekdays: ReadonlySet<number>, index: WeekIndex): Day {
  const first = dayOf(year, month, 1);
  const matching: Day[] = [];
  for (let d = first; d < first + daysInMonth(year, month); d += 1) {
    if (weekdays.has(weekdayOf(d))) matching.push(d);
  }
  const position = ORDINAL[index];
  // Every weekday occurs at least four times a month, so `fourth` and `last` always exist.
  return matching.at(position) ?? first;
}

export interface Series {
  /** The original start of the first occurrence, or undefined when the range holds none. */
  readonly first: Date | undefined;
  /** That occurrence's wall-clock time as the pattern gives it (which a daylight-saving change may skip). */
  readonly firstWallClock: WallClock | undefined;
  /** The original starts from `from` to `to`, both included, in order. */
  startsBetween(from: Date, to: Date): Date[];
  /** Whether `instant` is the original start of one of the series' occurrences. */
  isStart(instant: Date): boolean;
  /** The original start of the last occurrence; undefined for a series without end or without occurrence. */
  last(): Date | undefined;
}

/**
 * A recurrence evaluated from `start` (the series' wall-clock start, its first date being the range's
 * startDate) in `zone`. A startDate that does not fit the pattern is not an occurrence: the series starts
 * on the first date after it that does, and counts its interval from that date's period, as Outlook does
 * (Graph's patternedRecurrence docs: first Thursday of every other month from 29 August 2017 first occurs
 * in September; [MS-OXOCAL] 2.2.1.44.1.1 counts weeks from the week of the first occurrence).
 */
export function compileSeries(recurrence: PatternedRecurrence, start: WallClock, zone: string): Series {
  const { pattern, range } = recurrence;
  const interval = pattern.interval;
  const weekdays = new Set(pattern.daysOfWeek.map((d: DayOfWeek) => DAYS.indexOf(d)));
  const weekStartDay = DAYS.indexOf(pattern.firstDayOfWeek);
  const weekStart = (day: Day): Day => day - ((weekdayOf(day) - weekStartDay + 7) % 7);
  const monthIndex = (day: Day): number => {
    const { year, month } = dateOf(day);
    return year * 12 + month - 1;
  };
  /** The pattern's date in a month (monthly) or in the pattern's month of a year (yearly). */
  const dateInMonth = (year: number, month: number): Day =>
    pattern.type === 'absoluteMonthly' || pattern.type === 'absoluteYearly'
      ? dayOf(year, month, Math.min(pattern.dayOfMonth, daysInMonth(year, month)))
      : relativeDay(year, month, weekdays, pattern.index);

  const startDay = dayOf(start.year, start.month, start.day);
  /** The first date on or after the start that fits the pattern, whatever the interval. */
  const firstFit = ((): Day => {
    const { year, month } = dateOf(startDay);
    switch (pattern.type) {
      case 'daily':
        return startDay;
      case 'weekly': {
        let day = startDay;
        // daysOfWeek is never empty (parsePatternedRecurrence and fromRRule require a day).
        while (!weekdays.has(weekdayOf(day)) && day < startDay + 7) day += 1;
        return day;
      }
      case 'absoluteMonthly':
      case 'relativeMonthly': {
        const inMonth = dateInMonth(year, month);
        return inMonth >= startDay ? inMonth : dateInMonth(month === 12 ? year + 1 : year, (month % 12) + 1);
      }
      case 'absoluteYearly':
      case 'relativeYearly': {
        const inYear = dateInMonth(year, pattern.month);
        return inYear >= startDay ? inYear : dateInMonth(year + 1, pattern.month);
      }
    }
  })();
  // Outlook counts the interval from the period of the first real occurrence (RFC 5545 from the start's:
  // the two differ only for a start that does not fit, which Outlook moves to that occurrence).
  const origin = firstFit;
  const originWeek = weekStart(origin);
  const originMonth = monthIndex(origin);
  const originYear = dateOf(origin).year;

  /** The period (of `interval` days, weeks, months or years) a date falls in, counted from the origin's. */
  const periodOf = (day: Day): number => {
    switch (pattern.type) {
      case 'daily':
        return Math.floor((day - origin) / interval);
      case 'weekly':
        return Math.floor((weekStart(day) - originWeek) / (7 * interval));
      case 'absoluteMonthly':
      case 'relativeMonthly':
        return Math.floor((monthIndex(day) - originMonth) / interval);
      case 'absoluteYearly':
      case 'relativeYearly':
        return Math.floor((dateOf(day).year - originYear) / interval);
    }
  };
  /** The pattern's dates in one period, in order. */
  const datesIn = (period: number): Day[] => {
    switch (pattern.type) {
      case 'daily':
        return [origin + period * interval];
      case 'weekly': {
        const week = originWeek + period * 7 * interval;
        const dates: Day[] = [];
        for (let d = week; d < week + 7; d += 1) if (weekdays.has(weekdayOf(d))) dates.push(d);
        return dates;
      }
      case 'absoluteMonthly':
      case 'relativeMonthly': {
        const index = originMonth + period * interval;
        return [dateInMonth(Math.floor(index / 12), (index % 12) + 1)];
      }
      case 'absoluteYearly':
      case 'relativeYearly':
        return [dateInMonth(originYear + period * interval, pattern.month)];
    }
  };

  /** Pattern dates from `period` on, not before the start, to the end of the calendar. */
  function* datesFrom(period: number): Generator<Day, void, undefined> {
    if (!Number.isFinite(period)) return;
    for (let p = Math.max(0, period); ; p += 1) {
      for (const day of datesIn(p)) {
        if (day > LAST_DAY) return;
        if (day >= startDay) yield day;
      }
    }
  }

  const lastDay =
    range.type === 'endDate' ? Math.min(dayOf(...parseDate(range.endDate)), LAST_DAY) : LAST_DAY;
  /** A numbered range's dates, all of them (Exchange allows at most 999). */
  const numbered: Day[] | undefined = (() => {
    if (range.type !== 'numbered') return undefined;
    const dates: Day[] = [];
    for (const day of datesFrom(0)) {
      if (dates.length >= range.numberOfOccurrences) break;
      dates.push(day);
    }
    return dates;
  })();
  const firstDay: Day | undefined = numbered ? numbered[0] : [...take(datesFrom(0), 1)][0];
  const inRange = (day: Day): boolean =>
    firstDay !== undefined && day >= firstDay && day <= lastDay && day <= (numbered?.at(-1) ?? LAST_DAY);

  /** The series' wall-clock time on a date (it may be skipped there: `slot` then moves it forward). */
  const wallOn = (day: Day): WallClock => ({
    ...dateOf(day),
    hour: start.hour,
    minute: start.minute,
    second: start.second,
    millisecond: start.millisecond,
  });
  const place = instantsIn(zone);
  const slot = (day: Day): Date => place(wallOn(day));
  const isDate = (day: Day): boolean => {
    if (!inRange(day)) return false;
    if (numbered) return numbered.includes(day);
    return datesIn(periodOf(day)).includes(day);
  };

  const hasFirst = firstDay !== undefined && inRange(firstDay);
  return {
    first: hasFirst ? slot(firstDay) : undefined,
    firstWallClock: hasFirst ? wallOn(firstDay) : undefined,

    startsBetween(from: Date, to: Date): Date[] {
      if (!(from <= to)) return [];
      // Local dates are within a day of the UTC date; a skipped hour moves a time by at most a day more.
      const fromDay = Math.floor(from.getTime() / DAY_MS) - 2;
      const toDay = Math.floor(to.getTime() / DAY_MS) + 2;
      // The dates first (date arithmetic only), so a call past the budget refuses before placing any.
      const days: Day[] = [];
      const candidates = numbered ?? datesFrom(periodOf(Math.max(fromDay, startDay)));
      for (const day of candidates) {
        if (day > toDay || day > lastDay) break;
        if (day < fromDay || !inRange(day)) continue;
        if (days.length >= EXPANSION_BUDGET) {
          throw new RecurrenceTooLarge(
            `more than ${String(EXPANSION_BUDGET)} occurrences between ${from.toISOString()} and ${to.toISOString()}`,
          );
        }
        days.push(day);
      }
      return days.map(slot).filter((at) => at >= from && at <= to);
    },

    isStart(instant: Date): boolean {
      const day = Math.floor(instant.getTime() / DAY_MS);
      for (let d = day - 2; d <= day + 2; d += 1) {
        if (isDate(d) && slot(d).getTime() === instant.getTime()) return true;
      }
      return false;
    },

    last(): Date | undefined {
      if (numbered) {
        const final = numbered.at(-1);
        return final === undefined ? undefined : slot(final);
      }
      if (range.type !== 'endDate') return undefined;
      // The last period that starts by the end date holds the last date, or the one before it does.
      const period = periodOf(lastDay);
      const dates = [...datesIn(period - 1), ...datesIn(period)].filter(inRange);
      const final = dates.at(-1);
      return final === undefined ? undefined : slot(final);
    },
  };
}

function* take<T>(items: Iterable<T>, count: number): Generator<T, void, undefined> {
  if (count <= 0) return;
  let taken = 0;
  for (const item of items) {
    yield item;
    taken += 1;
    if (taken >= count) return;
  }
}

function parseDate(date: string): [number, number, number] {
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  return [year, month, day];
}
