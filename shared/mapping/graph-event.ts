import { z } from 'zod';
import {
  canonicalBooking,
  SENSITIVITIES,
  type Attendee,
  type Booking,
  type BookingException,
  type Sensitivity,
} from '../model/booking';
import { InvalidBookingInput } from '../recurrence/errors';
import { toRRule, seriesStartOf } from '../recurrence/convert';
import { expand } from '../recurrence/expand';
import {
  formatWall,
  instantOf,
  isLocalMidnight,
  isSkipped,
  parseWallClock,
  spanOf,
  wallClockOf,
  type WallClock,
} from '../recurrence/local-time';
import { resolveTimeZone } from '../recurrence/time-zones';
import { RESPONSIBLE_PROPERTY } from '../graph/properties';
import { alignSeriesStart } from './series-start';
import { ignoreWarnings, type WarningSink } from './warnings';

/**
 * A Graph event, as Graph returns it, read into a Booking. Accepts every shape roomsync receives: a single
 * instance, a series master (with `cancelledOccurrences` and `$expand=exceptionOccurrences`, or with a list
 * of its instances), or one occurrence or exception on its own (read as a one-off booking); times in UTC
 * or in a `Prefer: outlook.timezone` zone, with Graph's 7 fractional digits.
 */

const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string().nullish() });
const emailAddress = z.object({ address: z.string().nullish(), name: z.string().nullish() }).nullish();
const recipient = z.object({ emailAddress }).nullish();
const attendee = z.object({ type: z.string().nullish(), emailAddress });
const extendedProperty = z.object({ id: z.string(), value: z.string().nullish() });

const occurrenceSchema = z.object({
  type: z.string().nullish(),
  occurrenceId: z.string().nullish(),
  subject: z.string().nullish(),
  originalStart: z.string().nullish(),
  start: dateTimeTimeZone,
  end: dateTimeTimeZone,
  isCancelled: z.boolean().nullish(),
});

const eventSchema = z.object({
  type: z.string().nullish(),
  subject: z.string().nullish(),
  start: dateTimeTimeZone,
  end: dateTimeTimeZone,
  isAllDay: z.boolean().nullish(),
  originalStartTimeZone: z.string().nullish(),
  sensitivity: z.string().nullish(),
  organizer: recipient,
  attendees: z.array(attendee).nullish(),
  recurrence: z.unknown().nullish(),
  cancelledOccurrences: z.array(z.string()).nullish(),
  exceptionOccurrences: z.array(z.unknown()).nullish(),
  singleValueExtendedProperties: z.array(extendedProperty).nullish(),
});

type GraphEvent = z.infer<typeof eventSchema>;

export interface GraphReadOptions {
  /** The room mailbox the event was read from: that room is booked whether or not it is an attendee. */
  roomEmail?: string;
  /** The series' occurrences and exceptions (`/instances`), when the master has no exceptionOccurrences. */
  instances?: unknown[];
  /**
   * The window `instances` were listed for. With it, a slot of the pattern inside the window that has no
   * instance is read as cancelled (when the master has no cancelledOccurrences); without it, only slots
   * between the first and the last instance are.
   */
  instancesWindow?: { from: Date; to: Date };
  onWarning?: WarningSink;
}

function parse<T>(schema: z.ZodType<T>, input: unknown, path: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = [path, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  throw new InvalidBookingInput(where || 'event', issue?.message ?? 'invalid event');
}

interface Reader {
  zone: string;
  warn: WarningSink;
}

type DateTimeTimeZone = { dateTime: string; timeZone?: string | null | undefined };

/** The wall-clock time and zone of a dateTimeTimeZone; an unknown zone is read as UTC with a warning. */
function wallOf(value: DateTimeTimeZone, path: string, reader: Reader): { wall: WallClock; zone: string } {
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

/** The instant of a dateTimeTimeZone. */
function instant(value: DateTimeTimeZone, path: string, reader: Reader): Date {
  const { wall, zone } = wallOf(value, path, reader);
  return instantOf(wall, zone);
}

/** A start and end, a booking in an hour skipped by a daylight-saving change moved past it whole. */
function span(
  start: DateTimeTimeZone,
  end: DateTimeTimeZone,
  path: string,
  reader: Reader,
): { start: Date; end: Date } {
  return spanOf(wallOf(start, `${path}.start`, reader), wallOf(end, `${path}.end`, reader));
}

/**
 * All-day bounds: midnight in the event's zone. Graph may return them converted to the response zone
 * (23:00 UTC for Berlin) or as that zone's midnight; either way the date is what counts.
 */
function allDayBound(
  value: { dateTime: string; timeZone?: string | null | undefined },
  path: string,
  reader: Reader,
): Date {
  const at = instant(value, path, reader);
  const responseZone = resolveTimeZone(value.timeZone ?? 'UTC').zone;
  if (isLocalMidnight(at, reader.zone)) return at;
  const wall = isLocalMidnight(at, responseZone)
    ? wallClockOf(at, responseZone)
    : wallClockOf(at, reader.zone);
  return instantOf({ ...wall, hour: 0, minute: 0, second: 0, millisecond: 0 }, reader.zone);
}

function people(event: GraphEvent, rooms: Set<string>, reader: Reader): Attendee[] {
  const out: Attendee[] = [];
  (event.attendees ?? []).forEach((a, i) => {
    const email = a.emailAddress?.address?.trim().toLowerCase();
    if (!email) {
      reader.warn({
        code: 'attendeeWithoutAddress',
        path: `attendees.${String(i)}`,
        message: 'attendee without an address, skipped',
      });
      return;
    }
    if (rooms.has(email)) return;
    out.push({ email, name: a.emailAddress?.name ?? '', required: a.type?.toLowerCase() !== 'optional' });
  });
  return out;
}

function roomsOf(event: GraphEvent, roomEmail: string | undefined): Set<string> {
  const rooms = new Set<string>();
  if (roomEmail) rooms.add(roomEmail.trim().toLowerCase());
  for (const a of event.attendees ?? []) {
    const email = a.emailAddress?.address?.trim().toLowerCase();
    if (email && a.type?.toLowerCase() === 'resource') rooms.add(email);
  }
  return rooms;
}

function organizerOf(event: GraphEvent, attendees: Attendee[]): Booking['organizer'] {
  const responsible = event.singleValueExtendedProperties
    ?.find((p) => p.id.toLowerCase() === RESPONSIBLE_PROPERTY.toLowerCase())
    ?.value?.trim()
    .toLowerCase();
  if (responsible) {
    const named = (event.attendees ?? []).find(
      (a) => a.emailAddress?.address?.trim().toLowerCase() === responsible,
    );
    return {
      email: responsible,
      name: named?.emailAddress?.name ?? attendees.find((a) => a.email === responsible)?.name ?? '',
    };
  }
  const email = event.organizer?.emailAddress?.address?.trim().toLowerCase();
  return email ? { email, name: event.organizer?.emailAddress?.name ?? '' } : null;
}

function sensitivityOf(value: string | null | undefined): Sensitivity {
  const match = SENSITIVITIES.find((s) => s === value?.toLowerCase());
  return match ?? 'normal';
}

/** `OID.{masterId}.2026-11-05` → 2026-11-05. */
function occurrenceDate(occurrenceId: string, index: number, reader: Reader): string | undefined {
  const date = /\.(\d{4}-\d{2}-\d{2})$/.exec(occurrenceId)?.[1];
  if (!date) {
    reader.warn({
      code: 'malformedOccurrenceId',
      path: `cancelledOccurrences.${String(index)}`,
      message: `${JSON.stringify(occurrenceId)} is not an occurrence id; ignored`,
    });
  }
  return date;
}

/** The pattern's start on a local date: the series' wall-clock time on that day, in its zone. */
function slotOn(date: string, series: Booking, zone: string): Date {
  const time = series.localStart
    ? parseWallClock(series.localStart, 'localStart')
    : wallClockOf(series.start, zone);
  const [year, month, day] = date.split('-').map(Number);
  return instantOf({ ...time, year: year ?? 0, month: month ?? 0, day: day ?? 0 }, zone);
}

/** Graph writes camelCase; one documented payload has `Subject`, so keys are read without regard to that. */
function camelCaseKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]),
  );
}

function originalStartOf(value: string | null | undefined, path: string): Date {
  const at = value ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at))
    throw new InvalidBookingInput(
      path,
      `expected the occurrence's originalStart, got ${JSON.stringify(value)}`,
    );
  return new Date(at);
}

function exceptionsOf(
  event: GraphEvent,
  series: Booking,
  options: GraphReadOptions,
  reader: Reader,
): BookingException[] {
  const exceptions = new Map<number, BookingException>();
  (event.cancelledOccurrences ?? []).forEach((id, i) => {
    const date = occurrenceDate(id, i, reader);
    if (!date) return;
    const originalStart = slotOn(date, series, reader.zone);
    exceptions.set(originalStart.getTime(), { originalStart, cancelled: true });
  });
  const changed = [
    ...(event.exceptionOccurrences ?? []).map((item, i) => ({
      item,
      path: `exceptionOccurrences.${String(i)}`,
    })),
    ...(options.instances ?? []).map((item, i) => ({ item, path: `instances.${String(i)}` })),
  ];
  const present: Date[] = [];
  for (const { item, path } of changed) {
    const occurrence = parse(occurrenceSchema, camelCaseKeys(item), path);
    // `$expand=exceptionOccurrences` gives the original date in occurrenceId rather than originalStart.
    const idDate = occurrence.originalStart
      ? undefined
      : /\.(\d{4}-\d{2}-\d{2})$/.exec(occurrence.occurrenceId ?? '')?.[1];
    const originalStart = idDate
      ? slotOn(idDate, series, reader.zone)
      : originalStartOf(occurrence.originalStart, `${path}.originalStart`);
    present.push(originalStart);
    if (occurrence.type?.toLowerCase() === 'occurrence' || occurrence.isCancelled) continue;
    exceptions.set(originalStart.getTime(), {
      originalStart,
      cancelled: false,
      ...span(occurrence.start, occurrence.end, path, reader),
      ...(occurrence.subject != null ? { subject: occurrence.subject } : {}),
    });
  }
  if (event.cancelledOccurrences == null && options.instances) {
    // Nothing lists cancelled occurrences but the master; without it, a slot with no instance was cancelled.
    const times = present.map((d) => d.getTime());
    const window = options.instancesWindow ?? {
      from: new Date(Math.min(...times)),
      to: new Date(Math.max(...times) + 1),
    };
    if (times.length > 0 || options.instancesWindow) {
      const seen = new Set(times);
      for (const slot of expand({ ...series, exceptions: [] }, window.from, window.to)) {
        const key = slot.originalStart.getTime();
        if (!seen.has(key) && slot.originalStart >= window.from && !exceptions.has(key)) {
          exceptions.set(key, { originalStart: slot.originalStart, cancelled: true });
        }
      }
    }
  }
  return [...exceptions.values()];
}

export function bookingFromGraphEvent(input: unknown, options: GraphReadOptions = {}): Booking {
  if (input === null || typeof input !== 'object')
    throw new InvalidBookingInput('event', 'expected a Graph event object');
  const raw = input as Record<string, unknown>;
  for (const field of ['start', 'end'] as const) {
    if (raw[field] == null) throw new InvalidBookingInput(field, 'required');
  }
  const event = parse(eventSchema, input, '');
  const warn = options.onWarning ?? ignoreWarnings;
  const recurrenceZone = (event.recurrence as { range?: { recurrenceTimeZone?: unknown } } | null | undefined)
    ?.range?.recurrenceTimeZone;
  const zoneName =
    event.originalStartTimeZone ??
    (typeof recurrenceZone === 'string' ? recurrenceZone : undefined) ??
    event.start.timeZone ??
    'UTC';
  const resolved = resolveTimeZone(zoneName);
  if (!resolved.known) {
    warn({
      code: 'unknownTimeZone',
      path: 'originalStartTimeZone',
      message: `unknown time zone ${JSON.stringify(zoneName)}; the booking is kept in UTC`,
    });
  }
  const reader: Reader = { zone: resolved.zone, warn };
  const isAllDay = event.isAllDay ?? false;
  const given = isAllDay
    ? undefined
    : { start: wallOf(event.start, 'start', reader), end: wallOf(event.end, 'end', reader) };
  const { start, end } = given
    ? spanOf(given.start, given.end)
    : { start: allDayBound(event.start, 'start', reader), end: allDayBound(event.end, 'end', reader) };
  if (end < start) throw new InvalidBookingInput('end', 'the end is before the start');
  const rooms = roomsOf(event, options.roomEmail);
  const attendees = people(event, rooms, reader);
  const isSeries =
    event.recurrence != null &&
    event.type?.toLowerCase() !== 'occurrence' &&
    event.type?.toLowerCase() !== 'exception';
  let recurrence: string | null = null;
  // A series given a start that its first day skips keeps that wall-clock time (Booking.localStart); a
  // start read in another zone (UTC, as roomsync reads) cannot tell, and is taken as the time it names.
  const localStart =
    isSeries && given?.start.zone === reader.zone && isSkipped(given.start.wall, reader.zone)
      ? formatWall(given.start.wall)
      : undefined;
  if (isSeries) {
    const seriesStart = localStart
      ? { dateTime: localStart, timeZone: reader.zone }
      : seriesStartOf(start, reader.zone);
    let value = event.recurrence;
    if (!resolved.known) {
      // In the UTC fallback the local start date can differ from the range's; the range follows the start.
      const r = value as { range?: Record<string, unknown> };
      value = {
        ...r,
        range: { ...r.range, startDate: seriesStart.dateTime.slice(0, 10), recurrenceTimeZone: 'UTC' },
      };
    }
    recurrence = toRRule(value, seriesStart);
  }
  const base: Booking = {
    subject: event.subject ?? '',
    start,
    end,
    timeZone: reader.zone,
    isAllDay,
    organizer: organizerOf(event, attendees),
    attendees,
    rooms: [...rooms],
    recurrence,
    ...(localStart === undefined ? {} : { localStart }),
    exceptions: [],
    sensitivity: sensitivityOf(event.sensitivity),
  };
  if (!isSeries) return canonicalBooking(base);
  const series = alignSeriesStart(base, reader.zone);
  return canonicalBooking({ ...series, exceptions: exceptionsOf(event, series, options, reader) });
}

/** What identifies a Graph event and its version, next to its content. */
export interface GraphEventIdentity {
  id: string | null;
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  iCalUId: string | null;
  changeKey: string | null;
  seriesMasterId: string | null;
  originalStart: Date | null;
  isCancelled: boolean;
  /** The organizer's address, lower-cased: whose meeting this copy is. */
  organizer: string | null;
}

const identitySchema = z.object({
  id: z.string().nullish(),
  type: z.string().nullish(),
  iCalUId: z.string().nullish(),
  changeKey: z.string().nullish(),
  seriesMasterId: z.string().nullish(),
  originalStart: z.string().nullish(),
  isCancelled: z.boolean().nullish(),
  recurrence: z.unknown().nullish(),
  organizer: z.object({ emailAddress: z.object({ address: z.string().nullish() }).nullish() }).nullish(),
});

export function graphEventIdentity(input: unknown): GraphEventIdentity {
  const event = parse(identitySchema, input, '');
  const types = ['singleInstance', 'occurrence', 'exception', 'seriesMaster'] as const;
  const type =
    types.find((t) => t.toLowerCase() === event.type?.toLowerCase()) ??
    (event.recurrence != null ? 'seriesMaster' : 'singleInstance');
  return {
    id: event.id ?? null,
    type,
    iCalUId: event.iCalUId ?? null,
    changeKey: event.changeKey ?? null,
    seriesMasterId: event.seriesMasterId ?? null,
    originalStart: event.originalStart ? originalStartOf(event.originalStart, 'originalStart') : null,
    isCancelled: event.isCancelled ?? false,
    organizer: event.organizer?.emailAddress?.address?.trim().toLowerCase() || null,
  };
}
