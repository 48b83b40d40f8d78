import { z } from 'zod';
import { canonicalBooking, type Booking, type BookingException } from '../model/booking';
import { InvalidBookingInput, UnsupportedRecurrence } from '../recurrence/errors';
import { canonicalRRule, seriesStartOf, type SeriesStart } from '../recurrence/convert';
import {
  formatWall,
  formatWallClock,
  instantOf,
  isLocalMidnight,
  isSkipped,
  parseWallClock,
  spanOf,
} from '../recurrence/local-time';
import { resolveTimeZone } from '../recurrence/time-zones';
import { alignSeriesStart } from './series-start';
import { ignoreWarnings, type WarningSink } from './warnings';

/**
 * Workplace reservations (../shared/workplace-api.md) ↔ Booking. Workplace writes local wall-clock times
 * in an IANA zone, rooms as reservation lines with Workplace room ids, and the organizer as `responsible`.
 */

/**
 * A reservation's RRULE in canonical form; one Exchange cannot express is kept as Workplace wrote it, so
 * the booking can still be read and compared, and the write to Exchange refuses it with the reason.
 */
function recurrenceOf(rrule: string, start: SeriesStart): string {
  try {
    return canonicalRRule(rrule, start);
  } catch (err) {
    if (err instanceof UnsupportedRecurrence) return rrule.trim().replace(/^RRULE:/i, '');
    throw err;
  }
}

/** Workplace room ids ↔ room mailbox e-mails, from the registered rooms. */
export interface RoomDirectory {
  roomEmail(workplaceRoomId: string): string | undefined;
  workplaceRoomId(roomEmail: string): string | undefined;
}

const person = z.object({ email: z.string().min(1), name: z.string().nullish() });

const exceptionSchema = z.object({
  originalStart: z.string(),
  cancelled: z.boolean().nullish(),
  start: z.string().nullish(),
  end: z.string().nullish(),
  subject: z.string().nullish(),
});

const reservationSchema = z.object({
  subject: z.string().nullish(),
  start: z.string(),
  end: z.string(),
  timeZone: z.string(),
  responsible: person.nullish(),
  participants: z.array(person.extend({ required: z.boolean().nullish() })).nullish(),
  lines: z.array(
    z.object({ roomId: z.string().min(1), status: z.enum(['confirmed', 'declined', 'pending']).nullish() }),
  ),
  recurrence: z.object({ rrule: z.string() }).nullish(),
  exceptions: z.array(exceptionSchema).nullish(),
});

export interface ReservationReadOptions {
  onWarning?: WarningSink;
}

function parseReservation(input: unknown): z.infer<typeof reservationSchema> {
  if (input === null || typeof input !== 'object')
    throw new InvalidBookingInput('reservation', 'expected a reservation object');
  for (const field of ['start', 'end', 'timeZone', 'lines'] as const) {
    if ((input as Record<string, unknown>)[field] == null) throw new InvalidBookingInput(field, 'required');
  }
  const result = reservationSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InvalidBookingInput(
    (issue?.path ?? []).map(String).join('.') || 'reservation',
    issue?.message ?? 'invalid reservation',
  );
}

export function bookingFromReservation(
  input: unknown,
  rooms: RoomDirectory,
  options: ReservationReadOptions = {},
): Booking {
  const r = parseReservation(input);
  const warn = options.onWarning ?? ignoreWarnings;
  const { zone, known } = resolveTimeZone(r.timeZone);
  if (!known)
    warn({
      code: 'unknownTimeZone',
      path: 'timeZone',
      message: `unknown time zone ${JSON.stringify(r.timeZone)}; read as UTC`,
    });
  const at = (value: string, path: string): Date => instantOf(parseWallClock(value, path), zone);
  /** A start and end; in an hour skipped by a daylight-saving change, moved past it whole. */
  const span = (from: string, to: string, path: string): { start: Date; end: Date } =>
    spanOf(
      { wall: parseWallClock(from, `${path}start`), zone },
      { wall: parseWallClock(to, `${path}end`), zone },
    );
  const { start, end } = span(r.start, r.end, '');
  if (end < start) throw new InvalidBookingInput('end', 'the end is before the start');
  // A series whose first day skips its start time keeps that time on later days (Booking.localStart).
  const givenStart = parseWallClock(r.start, 'start');
  const localStart = r.recurrence && isSkipped(givenStart, zone) ? formatWall(givenStart) : undefined;
  const bookedRooms = r.lines.flatMap((line, i) => {
    if (line.status === 'declined') return [];
    const email = rooms.roomEmail(line.roomId);
    if (!email)
      throw new InvalidBookingInput(
        `lines.${String(i)}.roomId`,
        `${JSON.stringify(line.roomId)} is not a registered room`,
      );
    return [email];
  });
  const recurrence = r.recurrence
    ? recurrenceOf(
        r.recurrence.rrule,
        localStart ? { dateTime: localStart, timeZone: zone } : seriesStartOf(start, zone),
      )
    : null;
  const exceptions = (r.exceptions ?? []).map((e, i): BookingException => {
    const path = `exceptions.${String(i)}`;
    const originalStart = at(e.originalStart, `${path}.originalStart`);
    if (e.cancelled) return { originalStart, cancelled: true };
    if (!e.start || !e.end)
      throw new InvalidBookingInput(
        `${path}.${e.start ? 'end' : 'start'}`,
        'required unless the occurrence is cancelled',
      );
    return {
      originalStart,
      cancelled: false,
      ...span(e.start, e.end, `${path}.`),
      ...(e.subject != null ? { subject: e.subject } : {}),
    };
  });
  const booking: Booking = {
    subject: r.subject ?? '',
    start,
    end,
    timeZone: zone,
    // Workplace has no all-day flag: whole local days from midnight to midnight are all-day.
    isAllDay: end > start && isLocalMidnight(start, zone) && isLocalMidnight(end, zone),
    organizer: r.responsible ? { email: r.responsible.email, name: r.responsible.name ?? '' } : null,
    attendees: (r.participants ?? []).map((p) => ({
      email: p.email,
      name: p.name ?? '',
      required: p.required ?? true,
    })),
    rooms: bookedRooms,
    recurrence,
    ...(localStart === undefined ? {} : { localStart }),
    exceptions,
    sensitivity: 'normal',
  };
  return canonicalBooking({ ...alignSeriesStart(booking, zone), exceptions });
}

export interface ReservationBody {
  subject: string;
  start: string;
  end: string;
  timeZone: string;
  responsible: { email: string; name: string } | null;
  participants: { email: string; name: string; required: boolean }[];
  lines: { roomId: string; status: 'confirmed' | 'declined' | 'pending' }[];
  recurrence: { rrule: string } | null;
  exceptions: (
    | { originalStart: string; cancelled: true }
    | { originalStart: string; start: string; end: string; subject?: string }
  )[];
}

/** The reservation body (for POST or PUT) that holds the booking. */
export function reservationFromBooking(booking: Booking, rooms: RoomDirectory): ReservationBody {
  const b = canonicalBooking(booking);
  const zone = resolveTimeZone(b.timeZone).zone;
  const wall = (instant: Date): string => formatWallClock(instant, zone);
  return {
    subject: b.subject,
    // A series' own wall-clock start when its first day skips it, so Workplace repeats at that time.
    start: b.localStart ?? wall(b.start),
    end: wall(b.end),
    timeZone: zone,
    responsible: b.organizer ? { email: b.organizer.email, name: b.organizer.name } : null,
    participants: b.attendees.map((a) => ({ email: a.email, name: a.name, required: a.required })),
    lines: b.rooms.map((email, i) => {
      const roomId = rooms.workplaceRoomId(email);
      if (!roomId) throw new InvalidBookingInput(`rooms.${String(i)}`, `${email} has no Workplace room`);
      return { roomId, status: 'confirmed' as const };
    }),
    recurrence: b.recurrence ? { rrule: b.recurrence } : null,
    exceptions: b.exceptions.map((e) =>
      e.cancelled
        ? { originalStart: wall(e.originalStart), cancelled: true as const }
        : {
            originalStart: wall(e.originalStart),
            start: wall(e.start),
            end: wall(e.end),
            ...(e.subject !== undefined ? { subject: e.subject } : {}),
          },
    ),
  };
}
