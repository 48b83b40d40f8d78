import { DateTime, IANAZone } from 'luxon';
import { RRule } from 'rrule';
import { invalid } from './errors';
import type { Reservation, ReservationInput } from './model';

/**
 * The instants a reservation occupies: its single [start, end), or each occurrence of its series
 * within a horizon. RRULEs are expanded on floating wall-clock times (rrule's Dates read as UTC fields)
 * and each occurrence is then placed in the reservation's zone, so 09:00 stays 09:00 across DST.
 */

export interface Interval {
  start: number;
  end: number;
}

/** Series are expanded this far past their start; a clash later than that goes unnoticed. */
export const HORIZON_YEARS = 2;
/** A guard against FREQ=MINUTELY and friends; beyond it, occurrences are not checked either. */
export const MAX_OCCURRENCES = 5000;

const instant = (local: string, zone: string): number => DateTime.fromISO(local, { zone }).toMillis();

const floating = (local: string): Date => DateTime.fromISO(local, { zone: 'utc' }).toJSDate();

const localOf = (date: Date): string => date.toISOString().slice(0, 19);

function parseRule(rrule: string, start: string): RRule {
  const text = rrule.replace(/^RRULE:/i, '');
  if (/DTSTART/i.test(text))
    throw invalid('recurrence.rrule', 'The RRULE must not carry DTSTART; start is used.');
  try {
    const options = RRule.parseString(text);
    if (options.freq === undefined) throw new Error('FREQ is required');
    const rule = new RRule({ ...options, dtstart: floating(start), tzid: null });
    rule.all((_, i) => i < 1);
    return rule;
  } catch (err) {
    throw invalid(
      'recurrence.rrule',
      `The RRULE cannot be parsed: ${err instanceof Error ? err.message : String(err)}.`,
    );
  }
}

/** Checks what the schema cannot: real zone, order of times, a parseable RRULE. */
export function checkTimes(input: ReservationInput): void {
  if (!IANAZone.isValidZone(input.timeZone))
    throw invalid('timeZone', `'${input.timeZone}' is not an IANA time zone.`);
  for (const [field, value] of [
    ['start', input.start],
    ['end', input.end],
  ] as const) {
    if (!DateTime.fromISO(value, { zone: input.timeZone }).isValid)
      throw invalid(field, `'${value}' is not a valid date and time.`);
  }
  if (instant(input.end, input.timeZone) <= instant(input.start, input.timeZone))
    throw invalid('end', 'end must be after start.');
  (input.exceptions ?? []).forEach((exception, index) => {
    if (exception.start === undefined || exception.end === undefined) return;
    if (instant(exception.end, input.timeZone) <= instant(exception.start, input.timeZone))
      throw invalid(`exceptions.${index}.end`, 'end must be after start.');
  });
  if (input.recurrence) parseRule(input.recurrence.rrule, input.start);
}

export function occupied(
  reservation: Pick<Reservation, 'start' | 'end' | 'timeZone' | 'recurrence' | 'exceptions'>,
): Interval[] {
  const { start, end, timeZone: zone } = reservation;
  if (!reservation.recurrence) return [{ start: instant(start, zone), end: instant(end, zone) }];
  const rule = parseRule(reservation.recurrence.rrule, start);
  const first = floating(start);
  const horizon = DateTime.fromJSDate(first, { zone: 'utc' }).plus({ years: HORIZON_YEARS }).toJSDate();
  const wallDuration = floating(end).getTime() - first.getTime();
  const exceptions = new Map(reservation.exceptions.map((e) => [e.originalStart, e]));
  const intervals: Interval[] = [];
  for (const date of rule.all((d, i) => d < horizon && i < MAX_OCCURRENCES)) {
    const original = localOf(date);
    const exception = exceptions.get(original);
    if (exception?.cancelled === true) continue;
    if (exception?.start !== undefined && exception.end !== undefined) {
      intervals.push({ start: instant(exception.start, zone), end: instant(exception.end, zone) });
    } else {
      intervals.push({
        start: instant(original, zone),
        end: instant(localOf(new Date(date.getTime() + wallDuration)), zone),
      });
    }
  }
  return intervals.sort((a, b) => a.start - b.start);
}

export const overlaps = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;

/** Whether two sorted interval lists share any instant (a merge walk, not a cross product). */
export function firstOverlap(a: Interval[], b: Interval[]): Interval | undefined {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (!x || !y) break;
    if (overlaps(x, y)) return x;
    if (x.end <= y.end) i += 1;
    else j += 1;
  }
  return undefined;
}
