import { DateTime } from 'luxon';

/**
 * Dates as the tenant shows and takes them: locale strings in its format and zone (notes items 16, 31).
 * Parsing is strict (the value must format back to itself), so a value in another format is no date.
 */

const LOCALE = 'en-US';

export function formatInstant(ms: number, format: string, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).setLocale(LOCALE).toFormat(format);
}

/** The date part of a date-time format: everything before the first space (`dd-MM-yyyy HH:mm` → `dd-MM-yyyy`). */
export function dateOnlyFormat(format: string): string {
  return format.split(' ')[0] ?? format;
}

function strictParse(value: string, format: string, zone: string): number | undefined {
  const parsed = DateTime.fromFormat(value, format, { zone, locale: LOCALE });
  if (!parsed.isValid || parsed.toFormat(format) !== value) return undefined;
  return parsed.toMillis();
}

/** A filter value: the full format, or the date part alone (midnight in the zone); anything else undefined. */
export function parseFilterDate(value: string, format: string, zone: string): number | undefined {
  return strictParse(value, format, zone) ?? strictParse(value, dateOnlyFormat(format), zone);
}

/** An import payload's date: ISO 8601 with `Z` or an offset (the contract's choice); else undefined. */
export function parseIsoWithOffset(value: string): number | undefined {
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(value)) return undefined;
  const parsed = DateTime.fromISO(value, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

/** A control-API date: ISO 8601 with an offset, or a wall-clock time read in `zone` (as typed on a screen). */
export function parseWallClock(value: string, zone: string): number | undefined {
  const parsed = DateTime.fromISO(value, { zone });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

export function isoInZone(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO() ?? new Date(ms).toISOString();
}

export function truncateTo(ms: number, resolution: 'minute' | 'second'): number {
  const unit = resolution === 'minute' ? 60_000 : 1_000;
  return Math.floor(ms / unit) * unit;
}
