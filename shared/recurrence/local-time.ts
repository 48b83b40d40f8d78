import { DateTime, IANAZone } from 'luxon';
import { InvalidBookingInput } from './errors';

/**
 * Wall-clock times (no offset, as Graph's dateTimeTimeZone and Workplace's start/end carry them) to and
 * from instants in an IANA zone. Exchange runs on .NET, which reads an ambiguous wall-clock time (the hour
 * repeated when daylight saving ends) as standard time, and a time skipped when it begins as the same
 * distance past the change (02:30 becomes 03:30); luxon's own guess differs from zone to zone, so the
 * choice is made here explicitly.
 */

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Reads `2026-03-30T09:00:00` or Graph's `2026-03-30T09:00:00.0000000`; `path` names the field on error. */
export function parseWallClock(value: unknown, path: string): WallClock {
  const match = typeof value === 'string' ? WALL_CLOCK.exec(value.trim()) : null;
  if (!match) {
    throw new InvalidBookingInput(
      path,
      `expected a date and time like 2026-03-30T09:00:00, got ${JSON.stringify(value)}`,
    );
  }
  const [, y, mo, d, h, mi, s = '0', fraction = ''] = match;
  const wall = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
    // Graph writes 7 fractional digits; milliseconds are all an instant here keeps.
    millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
  };
  if (!DateTime.fromObject(wall, { zone: 'UTC' }).isValid) {
    throw new InvalidBookingInput(path, `${JSON.stringify(value)} is not a valid date and time`);
  }
  return wall;
}

/** The instant a wall-clock time names in `zone` (standard time when ambiguous, forward when skipped). */
export function instantOf(wall: WallClock, zone: string): Date {
  return instantsIn(zone)(wall);
}

/**
 * instantOf for many wall-clock times in one zone (a series' occurrences): each offset of the zone is
 * looked up once, so consecutive days share their lookups.
 */
export function instantsIn(zone: string): (wall: WallClock) => Date {
  const iana = IANAZone.create(zone);
  const known = new Map<number, number>();
  const offset = (at: number): number => {
    let minutes = known.get(at);
    if (minutes === undefined) {
      minutes = iana.offset(at);
      known.set(at, minutes);
    }
    return minutes;
  };
  const day = 86_400_000;
  return (wall: WallClock): Date => {
    const asUtc = Date.UTC(
      wall.year,
      wall.month - 1,
      wall.day,
      wall.hour,
      wall.minute,
      wall.second,
      wall.millisecond,
    );
    if (!iana.isValid) return new Date(asUtc);
    // The offsets in force a day either side cover every transition a wall-clock time can fall in.
    const before = offset(asUtc - day);
    const after = offset(asUtc + day);
    // No change near this time: the one offset is the answer (the checks below would give the same).
    if (before === after) return new Date(asUtc - before * 60_000);
    const valid = [before, after]
      .map((minutes) => asUtc - minutes * 60_000)
      .filter((instant) => asUtc - iana.offset(instant) * 60_000 === instant);
    if (valid.length > 0) return new Date(Math.max(...valid));
    // Skipped: read with the offset from before the change, which lands past it.
    return new Date(asUtc - before * 60_000);
  };
}

/** Whether a wall-clock time is skipped in `zone` (clocks went forward over it): it names no instant. */
export function isSkipped(wall: WallClock, zone: string): boolean {
  const back = wallClockOf(instantOf(wall, zone), zone);
  return (
    back.year !== wall.year ||
    back.month !== wall.month ||
    back.day !== wall.day ||
    back.hour !== wall.hour ||
    back.minute !== wall.minute ||
    back.second !== wall.second
  );
}

/** `2026-10-04T02:30:00`: a wall-clock time as Workplace writes it (and Graph, without its fraction). */
export function formatWall(wall: WallClock): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
}

/**
 * A start and end given as wall-clock times, as instants. A start skipped by a daylight-saving change
 * moves forward by the gap (.NET's reading); when that puts it at or after the end (02:30–03:00 on the
 * change day), the end moves with it, keeping the booking's wall-clock length: the booking is shifted,
 * as Outlook shifts it, rather than turned inside out.
 */
export function spanOf(
  start: { wall: WallClock; zone: string },
  end: { wall: WallClock; zone: string },
): { start: Date; end: Date } {
  const from = instantOf(start.wall, start.zone);
  const to = instantOf(end.wall, end.zone);
  if (to > from || start.zone !== end.zone || !isSkipped(start.wall, start.zone))
    return { start: from, end: to };
  const naive = (w: WallClock): number =>
    Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  return { start: from, end: new Date(from.getTime() + naive(end.wall) - naive(start.wall)) };
}

export function wallClockOf(instant: Date, zone: string): WallClock {
  const local = DateTime.fromJSDate(instant, { zone });
  return {
    year: local.year,
    month: local.month,
    day: local.day,
    hour: local.hour,
    minute: local.minute,
    second: local.second,
    millisecond: local.millisecond,
  };
}

/** `2026-03-30T09:00:00` (Workplace's form), local to `zone`. */
export function formatWallClock(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

/** `2026-03-30T09:00:00.0000000` (Graph's form), local to `zone`. */
export function formatGraphDateTime(instant: Date, zone: string): string {
  return `${DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}0000`;
}

/** The local date (`YYYY-MM-DD`) of an instant in `zone`. */
export function localDate(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat('yyyy-MM-dd');
}

/** Whether an instant is local midnight in `zone` (all-day bounds). */
export function isLocalMidnight(instant: Date, zone: string): boolean {
  const local = DateTime.fromJSDate(instant, { zone });
  return local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0;
}
