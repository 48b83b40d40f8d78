import { DateTime, IANAZone, type DateObjectUnits } from 'luxon';
import { findIana } from 'windows-iana';
import { GraphError } from './errors';

/**
 * Graph's dateTimeTimeZone: a wall-clock `dateTime` without offset (7 fractional digits on output) and a
 * zone name, Windows (`Pacific Standard Time`) or IANA (`America/Los_Angeles`).
 */
export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

/** The IANA zone for a name Graph accepts, or undefined when Graph would refuse it. */
export function ianaZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (/^(utc|gmt|etc\/utc|etc\/gmt)$/i.test(trimmed)) return 'UTC';
  const windows = findIana(trimmed);
  if (windows[0]) return windows[0];
  return IANAZone.isValidZone(trimmed) ? trimmed : undefined;
}

export function requireZone(name: string): string {
  const zone = ianaZone(name);
  if (!zone) {
    throw new GraphError(
      400,
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name}'.`,
    );
  }
  return zone;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;

/**
 * A wall-clock time in a zone as Exchange (on .NET) reads it: an hour that repeats when daylight saving ends
 * is standard time, the later of the two; a time skipped when it begins moves forward by the gap.
 */
export function localTime(parts: DateObjectUnits, zone: string): DateTime {
  const guess = DateTime.fromObject(parts, { zone });
  // luxon's guess for a repeated hour is the earlier or the later one depending on the zone.
  const later = [guess.plus({ hours: 1 }), guess.plus({ minutes: 30 })].find(
    (candidate) =>
      candidate.day === guess.day && candidate.hour === guess.hour && candidate.minute === guess.minute,
  );
  return later ?? guess;
}

/** The instant a dateTimeTimeZone names. A wall-clock time skipped by a DST change moves forward, as Exchange does. */
export function toInstant(value: DateTimeTimeZone, property: string): DateTime {
  const zone = requireZone(value.timeZone);
  const match = LOCAL.exec(value.dateTime.trim());
  if (!match) {
    throw new GraphError(
      400,
      'ErrorInvalidRequest',
      `Cannot convert the literal '${value.dateTime}' to the expected type 'Edm.DateTimeOffset' in '${property}'.`,
    );
  }
  const [, y, mo, d, h, mi, s = '0', frac = ''] = match;
  const local = localTime(
    {
      year: Number(y),
      month: Number(mo),
      day: Number(d),
      hour: Number(h),
      minute: Number(mi),
      second: Number(s),
      millisecond: Math.floor(Number(`0.${frac || '0'}`) * 1000),
    },
    zone,
  );
  if (!local.isValid)
    throw new GraphError(
      400,
      'ErrorInvalidRequest',
      `'${value.dateTime}' is not a valid date and time in '${property}'.`,
    );
  return local.toUTC();
}

/** Formats an instant as Graph returns it in a zone: `2026-11-25T09:00:00.0000000` + the zone's name as asked. */
export function fromInstant(instant: DateTime, zoneName: string): DateTimeTimeZone {
  const zone = ianaZone(zoneName) ?? 'UTC';
  return {
    dateTime: `${instant.setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}0000`,
    timeZone: zoneName,
  };
}
