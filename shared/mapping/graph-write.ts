import { canonicalBooking, type Booking } from '../model/booking';
import { fromRRule, seriesStartOf } from '../recurrence/convert';
import { formatGraphDateTime, localDate } from '../recurrence/local-time';
import type { PatternedRecurrence } from '../recurrence/patterned';
import { graphZoneName, resolveTimeZone } from '../recurrence/time-zones';
import { RESPONSIBLE_PROPERTY } from '../graph/properties';

/**
 * A Booking as Graph write bodies. The event is written into one room's calendar (the host room, the
 * organizer in Exchange's eyes); every other room is a `resource` attendee so Exchange books it
 * natively; the responsible person is a required attendee and is named in RESPONSIBLE_PROPERTY so that
 * reading the event back gives the same Booking.
 */

export interface GraphWriteOptions {
  /** The room whose calendar the event is written into; the first room by default. */
  hostRoom?: string;
}

interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface GraphAttendee {
  type: 'required' | 'optional' | 'resource';
  emailAddress: { address: string; name: string };
}

export interface GraphEventBody {
  subject?: string;
  start?: DateTimeTimeZone;
  end?: DateTimeTimeZone;
  isAllDay?: boolean;
  sensitivity?: string;
  attendees?: GraphAttendee[];
  recurrence?: PatternedRecurrence | null;
  singleValueExtendedProperties?: { id: string; value: string }[];
}

function zoneOf(b: Booking): string {
  return resolveTimeZone(b.timeZone).zone;
}

function when(instant: Date, b: Booking): DateTimeTimeZone {
  const zone = zoneOf(b);
  return { dateTime: formatGraphDateTime(instant, zone), timeZone: graphZoneName(zone) };
}

/** A booking's start as Graph takes it: a series' own wall-clock start when its first day skips it. */
function startOf(b: Booking): DateTimeTimeZone {
  if (b.localStart === undefined) return when(b.start, b);
  return { dateTime: `${b.localStart}.0000000`, timeZone: graphZoneName(zoneOf(b)) };
}

function hostOf(b: Booking, options: GraphWriteOptions): string | undefined {
  return options.hostRoom?.trim().toLowerCase() ?? b.rooms[0];
}

function attendeesOf(b: Booking, options: GraphWriteOptions): GraphAttendee[] {
  const host = hostOf(b, options);
  const out: GraphAttendee[] = [];
  if (b.organizer && !b.rooms.includes(b.organizer.email)) {
    out.push({ type: 'required', emailAddress: { address: b.organizer.email, name: b.organizer.name } });
  }
  for (const a of b.attendees) {
    out.push({
      type: a.required ? 'required' : 'optional',
      emailAddress: { address: a.email, name: a.name },
    });
  }
  for (const room of b.rooms) {
    if (room !== host) out.push({ type: 'resource', emailAddress: { address: room, name: room } });
  }
  return out;
}

function recurrenceOf(b: Booking): PatternedRecurrence | null {
  if (b.recurrence === null) return null;
  return fromRRule(b.recurrence, {
    dateTime: b.localStart ?? seriesStartOf(b.start, zoneOf(b)).dateTime,
    timeZone: graphZoneName(zoneOf(b)),
  });
}

function responsibleOf(b: Booking): { id: string; value: string }[] {
  return [{ id: RESPONSIBLE_PROPERTY, value: b.organizer?.email ?? '' }];
}

/** The POST body that creates the booking (a series master when it recurs; exceptions come after). */
export function graphEventFromBooking(booking: Booking, options: GraphWriteOptions = {}): GraphEventBody {
  const b = canonicalBooking(booking);
  const recurrence = recurrenceOf(b);
  return {
    subject: b.subject,
    start: startOf(b),
    end: when(b.end, b),
    isAllDay: b.isAllDay,
    sensitivity: b.sensitivity,
    attendees: attendeesOf(b, options),
    ...(recurrence ? { recurrence } : {}),
    ...(b.organizer ? { singleValueExtendedProperties: responsibleOf(b) } : {}),
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The sparse PATCH that turns `before` into `after`: only what changed, and each collection whole
 * (Graph replaces attendees and recurrence as a unit). Empty when nothing Graph holds changed.
 */
export function graphPatch(before: Booking, after: Booking, options: GraphWriteOptions = {}): GraphEventBody {
  const a = canonicalBooking(before);
  const b = canonicalBooking(after);
  const patch: GraphEventBody = {};
  if (a.subject !== b.subject) patch.subject = b.subject;
  const times = (x: Booking): unknown => [startOf(x), when(x.end, x)];
  if (!same(times(a), times(b))) {
    patch.start = startOf(b);
    patch.end = when(b.end, b);
  }
  if (a.isAllDay !== b.isAllDay) patch.isAllDay = b.isAllDay;
  if (a.sensitivity !== b.sensitivity) patch.sensitivity = b.sensitivity;
  const attendees = attendeesOf(b, options);
  if (!same(attendeesOf(a, options), attendees)) patch.attendees = attendees;
  const recurrence = recurrenceOf(b);
  // A new start re-bases a series in Exchange, so the pattern goes with it.
  if (!same(recurrenceOf(a), recurrence) || (recurrence && patch.start)) patch.recurrence = recurrence;
  if (a.organizer?.email !== b.organizer?.email) patch.singleValueExtendedProperties = responsibleOf(b);
  return patch;
}

/** What to do to one occurrence of a created series so that Exchange holds the booking's exceptions. */
export type GraphOccurrenceChange =
  | { originalStart: Date; occurrenceDate: string; action: 'cancel' }
  | { originalStart: Date; occurrenceDate: string; action: 'update'; body: GraphEventBody };

/**
 * The booking's exceptions as writes on occurrences (DELETE to cancel, PATCH to change), each with the
 * local date that Graph's occurrence ids and `originalStart` identify it by.
 */
export function graphOccurrenceChanges(booking: Booking): GraphOccurrenceChange[] {
  const b = canonicalBooking(booking);
  const zone = zoneOf(b);
  return b.exceptions.map((e) => {
    const occurrenceDate = localDate(e.originalStart, zone);
    if (e.cancelled) return { originalStart: e.originalStart, occurrenceDate, action: 'cancel' };
    return {
      originalStart: e.originalStart,
      occurrenceDate,
      action: 'update',
      body: {
        start: when(e.start, b),
        end: when(e.end, b),
        ...(e.subject !== undefined ? { subject: e.subject } : {}),
      },
    };
  });
}
