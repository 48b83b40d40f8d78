import type { GraphDateTime } from '../graph/event';
import { InvalidBookingInput } from '../recurrence/errors';
import {
  instantOf,
  isLocalMidnight,
  parseWallClock,
  spanOf,
  wallClockOf,
  type WallClock,
} from '../recurrence/local-time';
import { resolveTimeZone } from '../recurrence/time-zones';
import type { WarningSink } from './warnings';

/**
 * Graph's dateTimeTimeZone values as instants: a wall-clock time in the zone it names (UTC, as roomsync
 * reads, or a `Prefer: outlook.timezone` zone), with Graph's 7 fractional digits.
 */

/** How one event is being read: the booking's own zone, and where workarounds are reported. */
export interface Reader {
  zone: string;
  warn: WarningSink;
}

/** A start or end a Booking needs, which Graph leaves out when it was not selected. */
export function requiredTime(value: GraphDateTime | null | undefined, path: string): GraphDateTime {
  if (value == null) throw new InvalidBookingInput(path, 'required');
  return value;
}

/** The wall-clock time and zone of a dateTimeTimeZone; an unknown zone is read as UTC with a warning. */
export function wallOf(
  value: GraphDateTime,
  path: string,
  reader: Reader,
): { wall: WallClock; zone: string } {
  const wall = parseWallClock(value.dateTime, `${path}.dateTime`);
  const { zone, known } = resolveTimeZone(value.timeZone ?? 'UTC');
  if (!known) {
    reader.warn({
      code: 'unknownTimeZone',
      path: `${path}.timeZone`,
      message: `unknown time zone ${JSON.stringify(value.timeZone)}; read as UTC`,
    });
  }
  return { wall, zone };
}

/** A start and end, a booking in an hour skipped by a daylight-saving change moved past it whole. */
export function span(
  start: GraphDateTime,
  end: GraphDateTime,
  path: string,
  reader: Reader,
): { start: Date; end: Date } {
  return spanOf(wallOf(start, `${path}.start`, reader), wallOf(end, `${path}.end`, reader));
}

/**
 * All-day bounds: midnight in the event's zone. Graph may return them converted to the response zone
 * (23:00 UTC for Berlin) or as that zone's midnight; either way the date is what counts.
 */
export function allDayBound(value: GraphDateTime, path: string, reader: Reader): Date {
  const { wall, zone } = wallOf(value, path, reader);
  const at = instantOf(wall, zone);
  const responseZone = resolveTimeZone(value.timeZone ?? 'UTC').zone;
  if (isLocalMidnight(at, reader.zone)) return at;
  const local = isLocalMidnight(at, responseZone)
    ? wallClockOf(at, responseZone)
    : wallClockOf(at, reader.zone);
  return instantOf({ ...local, hour: 0, minute: 0, second: 0, millisecond: 0 }, reader.zone);
}
