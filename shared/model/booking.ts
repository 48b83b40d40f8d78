import { formatWall, instantOf, isSkipped, parseWallClock } from '../recurrence/local-time';
import { resolveTimeZone } from '../recurrence/time-zones';

/**
 * The canonical booking: what one meeting / one reservation is, read from either side into one form so
 * the sync compares like with like. Instants are UTC; `timeZone` is the IANA zone the booking lives in
 * (used for recurrence, all-day bounds and writing back).
 */

export interface Person {
  /** Lowercased. */
  email: string;
  name: string;
}

export interface Attendee extends Person {
  required: boolean;
}

export const SENSITIVITIES = ['normal', 'personal', 'private', 'confidential'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

/** One occurrence of a series that differs from its pattern, keyed by the start the pattern gives it. */
export type BookingException =
  | { originalStart: Date; cancelled: true }
  | {
      originalStart: Date;
      cancelled: false;
      start: Date;
      end: Date;
      /** Only when it differs from the series' subject. */
      subject?: string;
    };

export interface Booking {
  subject: string;
  start: Date;
  end: Date;
  timeZone: string;
  isAllDay: boolean;
  /** The person responsible (Exchange: organizer; Workplace: responsible), or null when unknown. */
  organizer: Person | null;
  /** People only: never the organizer, never a room. */
  attendees: Attendee[];
  /** Room mailbox e-mails, lowercased and sorted. */
  rooms: string[];
  /** An RRULE (no DTSTART) evaluated from `start` in `timeZone`, or null for a single booking. */
  recurrence: string | null;
  /**
   * A series' wall-clock start (`2026-10-04T02:30:00`, local to `timeZone`), kept only when `start` is not
   * its wall-clock time: the time was skipped by a daylight-saving change on the first day, so the first
   * occurrence is an hour later (.NET's and RFC 5545's reading), while later days keep this time. Both
   * sides are written this wall-clock start. Absent otherwise, and for a single booking (which is moved).
   */
  localStart?: string;
  /** Sorted by originalStart. */
  exceptions: BookingException[];
  sensitivity: Sensitivity;
}

function byEmail(a: Person, b: Person): number {
  return a.email < b.email ? -1 : a.email > b.email ? 1 : 0;
}

/**
 * A booking in canonical form: e-mails lowercased and trimmed, rooms sorted and unique, attendees unique
 * (a required entry wins over an optional one), without the organizer or rooms, exceptions sorted and
 * without a subject equal to the series'. Every mapping returns bookings through this.
 */
export function canonicalBooking(booking: Booking): Booking {
  const rooms = [...new Set(booking.rooms.map((room) => room.trim().toLowerCase()))].sort();
  const organizer = booking.organizer
    ? { email: booking.organizer.email.trim().toLowerCase(), name: booking.organizer.name }
    : null;
  const attendees = new Map<string, Attendee>();
  for (const attendee of booking.attendees) {
    const email = attendee.email.trim().toLowerCase();
    if (email === organizer?.email || rooms.includes(email)) continue;
    const known = attendees.get(email);
    if (!known || (attendee.required && !known.required)) {
      attendees.set(email, { email, name: attendee.name || known?.name || '', required: attendee.required });
    }
  }
  const duration = booking.end.getTime() - booking.start.getTime();
  const exceptions = booking.exceptions
    .map((exception): BookingException => {
      if (exception.cancelled) return { originalStart: exception.originalStart, cancelled: true };
      const { subject, ...rest } = exception;
      return subject === undefined || subject === booking.subject ? rest : { ...rest, subject };
    })
    // An exception that changes nothing roomsync syncs (say, only its body) is not an exception here.
    .filter(
      (exception) =>
        exception.cancelled ||
        exception.subject !== undefined ||
        exception.start.getTime() !== exception.originalStart.getTime() ||
        exception.end.getTime() !== exception.originalStart.getTime() + duration,
    )
    .sort((a, b) => a.originalStart.getTime() - b.originalStart.getTime());
  const { localStart: _localStart, ...rest } = booking;
  const localStart = seriesLocalStart(booking);
  return {
    ...rest,
    organizer,
    attendees: [...attendees.values()].sort(byEmail),
    rooms,
    exceptions,
    ...(localStart === undefined ? {} : { localStart }),
  };
}

/** A series' localStart when it names `start` and is not its wall-clock time (Booking.localStart). */
function seriesLocalStart(booking: Booking): string | undefined {
  if (booking.recurrence === null || booking.localStart === undefined) return undefined;
  const zone = resolveTimeZone(booking.timeZone).zone;
  let wall;
  try {
    wall = parseWallClock(booking.localStart, 'localStart');
  } catch {
    return undefined;
  }
  if (!isSkipped(wall, zone) || instantOf(wall, zone).getTime() !== booking.start.getTime()) return undefined;
  return formatWall(wall);
}
