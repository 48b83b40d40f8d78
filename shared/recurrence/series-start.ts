import { DateTime } from 'luxon';
import { parseWallClock, wallClockOf, type WallClock } from './local-time';
import { DAYS, type DayOfWeek } from './patterned';
import { resolveTimeZone } from './time-zones';

/** A series' start as both converters read it: Graph's `{ dateTime, timeZone }`, local to the series' zone. */

export interface SeriesStart {
  dateTime: string;
  timeZone: string;
}

/** A series start read once: its zone, its wall-clock time and the date parts the patterns need. */
export interface Start {
  zone: string;
  /** The series' wall-clock start, as given (a time skipped on that day included). */
  wall: WallClock;
  date: string;
  weekday: DayOfWeek;
  day: number;
  month: number;
}

export function readStart(start: SeriesStart): Start {
  const zone = resolveTimeZone(start.timeZone).zone;
  const wall = parseWallClock(start.dateTime, 'start.dateTime');
  // The date as given: a time skipped on it moves the instant, never the series' date.
  const local = DateTime.fromObject({ year: wall.year, month: wall.month, day: wall.day }, { zone: 'UTC' });
  return {
    zone,
    wall,
    date: local.toFormat('yyyy-MM-dd'),
    weekday: DAYS[local.weekday % 7] ?? 'sunday',
    day: local.day,
    month: local.month,
  };
}

/** The same wall-clock start, as a series start for the converters. */
export function seriesStartOf(instant: Date, zone: string): SeriesStart {
  const wall = wallClockOf(instant, zone);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return {
    dateTime: `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`,
    timeZone: zone,
  };
}
