import { InvalidBookingInput, UnsupportedRecurrence } from './errors';
import { DAYS, type DayOfWeek } from './patterned';

/**
 * RRULE text (RFC 5545 §3.3.10) read strictly into typed parts and written back in one canonical order.
 * Only the parts a room booking can use are accepted; the rest are refused by name.
 */

export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';

export type Until =
  { kind: 'utc'; instant: Date } | { kind: 'floating'; text: string } | { kind: 'date'; date: string };

export interface WeekdayNum {
  /** 1..53 or -1..-53 before the day (`2TU`, `-1FR`); absent for every such day. */
  ordinal?: number;
  day: DayOfWeek;
}

export interface RRuleParts {
  freq: Frequency;
  interval: number;
  count?: number;
  until?: Until;
  byDay?: WeekdayNum[];
  byMonthDay?: number[];
  byMonth?: number[];
  bySetPos?: number[];
  wkst?: DayOfWeek;
}

const CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

export function dayCode(day: DayOfWeek): string {
  return CODES[DAYS.indexOf(day)] ?? 'MO';
}

function dayFromCode(code: string, part: string, path: string): DayOfWeek {
  const index = CODES.indexOf(code as (typeof CODES)[number]);
  const day = DAYS[index];
  if (index < 0 || day === undefined)
    throw new InvalidBookingInput(path, `${part}: unknown weekday ${JSON.stringify(code)}`);
  return day;
}

const FREQUENCIES: readonly string[] = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const FINER = ['SECONDLY', 'MINUTELY', 'HOURLY'];
/** Valid RFC 5545 parts that no Exchange pattern can hold. */
const INEXPRESSIBLE = ['BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYYEARDAY', 'BYWEEKNO', 'RSCALE', 'SKIP'];

function integers(value: string, part: string, path: string, min: number, max: number): number[] {
  return value.split(',').map((item) => {
    const n = Number(item);
    if (!/^[+-]?\d+$/.test(item) || n === 0 || Math.abs(n) < min || Math.abs(n) > max) {
      throw new InvalidBookingInput(path, `${part}=${value}: ${JSON.stringify(item)} is not a valid value`);
    }
    return n;
  });
}

function parseUntil(value: string, path: string): Until {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value);
  if (!m) throw new InvalidBookingInput(path, `UNTIL=${value} is not a date or date-time`);
  const [, y, mo, d, h, mi, s, z] = m;
  const date = `${y ?? ''}-${mo ?? ''}-${d ?? ''}`;
  if (Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    throw new InvalidBookingInput(path, `UNTIL=${value} is not a valid date`);
  if (h === undefined) return { kind: 'date', date };
  const text = `${date}T${h}:${mi ?? '00'}:${s ?? '00'}`;
  return z ? { kind: 'utc', instant: new Date(`${text}Z`) } : { kind: 'floating', text };
}

/** Reads `FREQ=WEEKLY;BYDAY=MO` (an `RRULE:` prefix is allowed); `path` names the field on error. */
export function parseRRule(input: unknown, path = 'recurrence'): RRuleParts {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InvalidBookingInput(path, 'expected an RRULE such as FREQ=WEEKLY;BYDAY=MO');
  }
  const text = input.trim().replace(/^RRULE:/i, '');
  if (/[\r\n]/.test(text)) {
    throw new InvalidBookingInput(
      path,
      'expected one RRULE line (DTSTART, RDATE and EXDATE come from the booking)',
    );
  }
  const seen = new Map<string, string>();
  for (const item of text.split(';')) {
    if (item === '') continue;
    const at = item.indexOf('=');
    if (at <= 0) throw new InvalidBookingInput(path, `${JSON.stringify(item)} is not a NAME=VALUE rule part`);
    const name = item.slice(0, at).toUpperCase();
    const value = item.slice(at + 1).toUpperCase();
    if (seen.has(name)) throw new InvalidBookingInput(path, `${name} appears twice`);
    if (value === '') throw new InvalidBookingInput(path, `${name} has no value`);
    seen.set(name, value);
  }
  const freq = seen.get('FREQ');
  if (freq === undefined) throw new InvalidBookingInput(path, 'FREQ is required');
  if (FINER.includes(freq)) {
    throw new UnsupportedRecurrence('FREQ', `FREQ=${freq}: Exchange repeats at most daily`);
  }
  if (!FREQUENCIES.includes(freq)) throw new InvalidBookingInput(path, `FREQ=${freq} is not a frequency`);
  const parts: RRuleParts = { freq: freq as Frequency, interval: 1 };
  for (const [name, value] of seen) {
    switch (name) {
      case 'FREQ':
        break;
      case 'INTERVAL': {
        const [interval] = integers(value, name, path, 1, 100_000);
        if (interval === undefined || interval < 1 || value.includes(',')) {
          throw new InvalidBookingInput(path, `INTERVAL=${value} must be a positive integer`);
        }
        parts.interval = interval;
        break;
      }
      case 'COUNT': {
        const [count] = integers(value, name, path, 1, 100_000);
        if (count === undefined || count < 1 || value.includes(',')) {
          throw new InvalidBookingInput(path, `COUNT=${value} must be a positive integer`);
        }
        parts.count = count;
        break;
      }
      case 'UNTIL':
        parts.until = parseUntil(value, path);
        break;
      case 'BYDAY':
        parts.byDay = value.split(',').map((item) => {
          const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(item);
          if (!m?.[2])
            throw new InvalidBookingInput(path, `BYDAY=${value}: ${JSON.stringify(item)} is not a weekday`);
          const day = dayFromCode(m[2], 'BYDAY', path);
          if (m[1] === undefined) return { day };
          const ordinal = Number(m[1]);
          if (ordinal === 0 || Math.abs(ordinal) > 53) {
            throw new InvalidBookingInput(path, `BYDAY=${value}: ${item} has an invalid ordinal`);
          }
          return { ordinal, day };
        });
        break;
      case 'BYMONTHDAY':
        parts.byMonthDay = integers(value, name, path, 1, 31);
        break;
      case 'BYMONTH':
        parts.byMonth = integers(value, name, path, 1, 12);
        if (parts.byMonth.some((month) => month < 0)) {
          throw new InvalidBookingInput(path, `BYMONTH=${value}: months are 1 to 12`);
        }
        break;
      case 'BYSETPOS':
        parts.bySetPos = integers(value, name, path, 1, 366);
        break;
      case 'WKST':
        parts.wkst = dayFromCode(value, 'WKST', path);
        break;
      default:
        if (INEXPRESSIBLE.includes(name)) {
          throw new UnsupportedRecurrence(
            name,
            `${name} has no equivalent in an Exchange recurrence pattern`,
          );
        }
        throw new InvalidBookingInput(path, `${name} is not an RRULE part`);
    }
  }
  if (parts.count !== undefined && parts.until !== undefined) {
    throw new InvalidBookingInput(path, 'COUNT and UNTIL cannot both be given');
  }
  return parts;
}

function formatUntil(until: Until): string {
  switch (until.kind) {
    case 'utc':
      return `${until.instant.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
    case 'floating':
      return until.text.replace(/[-:]/g, '');
    case 'date':
      return until.date.replace(/-/g, '');
  }
}

/** Canonical RRULE text: parts in one fixed order, days in week order from Sunday. */
export function formatRRule(parts: RRuleParts): string {
  const out = [`FREQ=${parts.freq}`, `INTERVAL=${String(parts.interval)}`];
  if (parts.byMonth) out.push(`BYMONTH=${parts.byMonth.join(',')}`);
  if (parts.byMonthDay) out.push(`BYMONTHDAY=${parts.byMonthDay.join(',')}`);
  if (parts.byDay) {
    const days = [...parts.byDay].sort((a, b) => DAYS.indexOf(a.day) - DAYS.indexOf(b.day));
    out.push(
      `BYDAY=${days.map((d) => `${d.ordinal === undefined ? '' : String(d.ordinal)}${dayCode(d.day)}`).join(',')}`,
    );
  }
  if (parts.bySetPos) out.push(`BYSETPOS=${parts.bySetPos.join(',')}`);
  if (parts.wkst) out.push(`WKST=${dayCode(parts.wkst)}`);
  if (parts.count !== undefined) out.push(`COUNT=${String(parts.count)}`);
  if (parts.until) out.push(`UNTIL=${formatUntil(parts.until)}`);
  return out.join(';');
}

/**
 * Whether two RRULEs repeat alike and differ at most in where they end (COUNT / UNTIL). Exchange keeps a
 * series' exceptions through a change of its end, and drops them when the pattern itself changes.
 */
export function samePattern(a: string, b: string): boolean {
  const pattern = (rule: string): string => {
    const { count: _count, until: _until, ...rest } = parseRRule(rule);
    return formatRRule(rest);
  };
  return pattern(a) === pattern(b);
}
