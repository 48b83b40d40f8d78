import { fromRRule } from './convert';
import { formatWall, instantOf, parseWallClock, wallClockOf, type WallClock } from './local-time';
import { compileSeries, type Series } from './series';
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
  /** A series' wall-clock start when `start` is not its wall-clock time: see Booking.localStart. */
  localStart?: string | undefined;
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

/**
 * A booking's recurrence as a series: its RRULE read as the Exchange pattern it is (`fromRRule` refuses,
 * with UnsupportedRecurrence, any rule Exchange cannot express, before anything is expanded), evaluated
 * at the series' wall-clock time in its zone (09:00 stays 09:00 across daylight-saving changes). That
 * time is `localStart`'s when given (a start skipped by a daylight-saving change), else `start`'s.
 */
export function seriesOf(rrule: string, start: Date, zone: string, localStart?: string): Series {
  const wall = localStart ? parseWallClock(localStart, 'localStart') : wallClockOf(start, zone);
  return compileSeries(fromRRule(rrule, { dateTime: formatWall(wall), timeZone: zone }), wall, zone);
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
  const series = seriesOf(booking.recurrence, booking.start, zone, booking.localStart);
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
  // Wide enough for an occurrence that started before `from`.
  const slots = series.startsBetween(new Date(from.getTime() - duration - day), to);
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
  for (const slot of slots) add(slot);
  // An exception moved into the window from a slot far outside it.
  for (const exception of booking.exceptions) {
    if (exception.cancelled || !overlaps(exception.start, exception.end, from, to)) continue;
    if (series.isStart(exception.originalStart)) add(exception.originalStart);
  }
  return occurrences.sort(
    (a, b) => a.start.getTime() - b.start.getTime() || a.originalStart.getTime() - b.originalStart.getTime(),
  );
}

/**
 * Where a series really begins: its start when that fits the pattern, else the first occurrence after it
 * (Outlook's reading), with its wall-clock time (`local`, which a daylight-saving change may skip: then
 * `start` is an hour after it). RFC 5545 counts a DTSTART that does not fit as an extra occurrence, so a
 * booking keeps the first real occurrence as its start and every reader agrees.
 */
export function firstOccurrence(
  rrule: string,
  start: Date,
  zone: string,
  localStart?: string,
): { start: Date; local: WallClock } | undefined {
  const series = seriesOf(rrule, start, zone, localStart);
  return series.first && series.firstWallClock
    ? { start: series.first, local: series.firstWallClock }
    : undefined;
}

/**
 * The original start of a series' last occurrence; undefined when it never ends (or has no occurrence).
 * Computed, not walked to: a numbered series has at most 999 occurrences, an endDate one ends on a date.
 */
export function lastOccurrenceStart(rrule: string, start: Date, zone: string): Date | undefined {
  return seriesOf(rrule, start, zone).last();
}
