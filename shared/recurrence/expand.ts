import { DateTime } from 'luxon';
import { RRule, Weekday, type Options } from 'rrule';
import { instantOf, wallClockOf } from './local-time';
import { DAYS } from './patterned';
import { parseRRule, type RRuleParts } from './rrule-text';
import { resolveTimeZone } from './time-zones';

/**
 * What expansion reads of a booking (a model `Booking` is one): the recurrence core sits below the model
 * and names only the fields it needs, so it never imports it.
 */
export interface Schedule {
  start: Date;
  end: Date;
  timeZone: string;
  isAllDay: boolean;
  /** An RRULE (no DTSTART) evaluated from `start` in `timeZone`, or null for a single booking. */
  recurrence: string | null;
  /** Occurrences that differ from the pattern, keyed by the start the pattern gives them. */
  exceptions: readonly (
    | { originalStart: Date; cancelled: true }
    | { originalStart: Date; cancelled: false; start: Date; end: Date }
  )[];
}

/** One occurrence of a booking: where the pattern puts it, where it is, and whether it was cancelled. */
export interface Occurrence {
  originalStart: Date;
  start: Date;
  end: Date;
  cancelled: boolean;
}

/*
 * The `rrule` library evaluates rules in UTC; its own time zone support converts through the host's
 * zone. So the rule runs on "floating" wall-clock times written as if they were UTC, and each result is
 * then placed in the series' zone with luxon: 09:00 stays 09:00 on both sides of a daylight-saving change.
 */

function floating(instant: Date, zone: string): Date {
  const local = DateTime.fromJSDate(instant, { zone });
  return new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second));
}

function fromFloating(wall: Date, zone: string): Date {
  return instantOf(
    {
      year: wall.getUTCFullYear(),
      month: wall.getUTCMonth() + 1,
      day: wall.getUTCDate(),
      hour: wall.getUTCHours(),
      minute: wall.getUTCMinutes(),
      second: wall.getUTCSeconds(),
      millisecond: 0,
    },
    zone,
  );
}

// rrule numbers weekdays from Monday (0) to Sunday (6).
const weekday = (day: (typeof DAYS)[number]): Weekday => new Weekday((DAYS.indexOf(day) + 6) % 7);

const FREQ = { DAILY: RRule.DAILY, WEEKLY: RRule.WEEKLY, MONTHLY: RRule.MONTHLY, YEARLY: RRule.YEARLY };

function untilOf(parts: RRuleParts, zone: string): Date | null {
  const until = parts.until;
  if (!until) return null;
  switch (until.kind) {
    case 'utc':
      return floating(until.instant, zone);
    case 'floating':
      return new Date(`${until.text}Z`);
    case 'date':
      return new Date(`${until.date}T23:59:59Z`);
  }
}

/** The `rrule` rule of a booking's RRULE, on floating wall-clock time from the booking's start. */
export function ruleOf(rrule: string, start: Date, zone: string): RRule {
  const parts = parseRRule(rrule);
  const options: Partial<Options> = {
    freq: FREQ[parts.freq],
    dtstart: floating(start, zone),
    interval: parts.interval,
    wkst: parts.wkst ? weekday(parts.wkst) : null,
    count: parts.count ?? null,
    until: untilOf(parts, zone),
    bymonth: parts.byMonth ?? null,
    bymonthday: parts.byMonthDay ?? null,
    bysetpos: parts.bySetPos ?? null,
    byweekday:
      parts.byDay?.map((d) => (d.ordinal === undefined ? weekday(d.day) : weekday(d.day).nth(d.ordinal))) ??
      null,
  };
  return new RRule(options);
}

function overlaps(start: Date, end: Date, from: Date, to: Date): boolean {
  // A zero-length booking at `from` still counts as inside the window.
  return start < to && (end > from || (end.getTime() === start.getTime() && start >= from));
}

/**
 * The occurrences of a booking that overlap [from, to), with its exceptions applied (moved ones where they
 * now are, cancelled ones flagged), sorted by start. A single booking is its own one occurrence.
 */
export function expand(booking: Schedule, from: Date, to: Date): Occurrence[] {
  const duration = booking.end.getTime() - booking.start.getTime();
  if (!booking.recurrence) {
    return overlaps(booking.start, booking.end, from, to)
      ? [{ originalStart: booking.start, start: booking.start, end: booking.end, cancelled: false }]
      : [];
  }
  const zone = resolveTimeZone(booking.timeZone).zone;
  const rule = ruleOf(booking.recurrence, booking.start, zone);
  // An all-day occurrence spans whole local days, 23 or 25 hours on the day the clocks change.
  const days = Math.round(duration / 86_400_000);
  const endOf = (start: Date): Date =>
    booking.isAllDay
      ? instantOf(
          {
            ...wallClockOf(new Date(start.getTime() + days * 86_400_000 + 43_200_000), zone),
            hour: 0,
            minute: 0,
            second: 0,
            millisecond: 0,
          },
          zone,
        )
      : new Date(start.getTime() + duration);
  const exceptions = new Map(booking.exceptions.map((e) => [e.originalStart.getTime(), e]));
  const day = 86_400_000;
  // Wide enough for an occurrence that started before `from` and for any daylight-saving offset.
  const slots = rule.between(
    new Date(floating(from, zone).getTime() - duration - day),
    new Date(floating(to, zone).getTime() + day),
    true,
  );
  const seen = new Set<number>();
  const occurrences: Occurrence[] = [];
  const add = (originalStart: Date): void => {
    if (seen.has(originalStart.getTime())) return;
    seen.add(originalStart.getTime());
    const exception = exceptions.get(originalStart.getTime());
    const occurrence: Occurrence =
      exception && !exception.cancelled
        ? { originalStart, start: exception.start, end: exception.end, cancelled: false }
        : {
            originalStart,
            start: originalStart,
            end: endOf(originalStart),
            cancelled: exception?.cancelled ?? false,
          };
    if (overlaps(occurrence.start, occurrence.end, from, to)) occurrences.push(occurrence);
  };
  for (const slot of slots) add(fromFloating(slot, zone));
  // An exception moved into the window from a slot far outside it.
  for (const exception of booking.exceptions) {
    if (exception.cancelled || !overlaps(exception.start, exception.end, from, to)) continue;
    const slot = floating(exception.originalStart, zone);
    if (rule.between(slot, slot, true).length > 0) add(exception.originalStart);
  }
  return occurrences.sort(
    (a, b) => a.start.getTime() - b.start.getTime() || a.originalStart.getTime() - b.originalStart.getTime(),
  );
}

/**
 * Where a series really begins: its start when that fits the pattern, else the first occurrence after it
 * (Outlook's reading, and `rrule`'s). RFC 5545 counts a DTSTART that does not fit as an extra occurrence,
 * so a booking keeps the first real occurrence as its start and every reader agrees.
 */
export function firstOccurrenceStart(rrule: string, start: Date, zone: string): Date | undefined {
  const rule = ruleOf(rrule, start, zone);
  const first = rule.after(floating(start, zone), true);
  return first ? fromFloating(first, zone) : undefined;
}
