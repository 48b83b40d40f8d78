import { IANAZone } from 'luxon';
import { z } from 'zod';
import { ControlError, parseBody, type ControlRouter } from './control-router';
import { isoInZone, parseWallClock } from './dates';
import type { Area, Participant, Reservation } from './model';
import type { Profile } from './profile';
import type { Store } from './store';
import { cancelReservation, itemsFor, onlyParticipantsDiffer, saveChange } from './writes';

/**
 * A person on Workplace's own screens (and fixtures): rooms, people, and bookings made, edited and
 * cancelled in Workplace. The screens refuse a room already taken (409), as Workplace does by default
 * (K3: "other users cannot reserve it again within the same timeframe"); the web services never do.
 */

const email = z.email();
const zone = z.string().refine((value) => IANAZone.isValidZone(value), 'not an IANA time zone');
const participants = z.array(
  z.object({ email, name: z.string().optional(), required: z.boolean().optional() }).strict(),
);

const roomSchema = z
  .object({
    reference: z.string().min(1),
    name: z.string().min(1),
    email: email.optional(),
    property: z.string().optional(),
    capacity: z.number().int().nonnegative().optional(),
    reservable: z.boolean().optional(),
  })
  .strict();

const personSchema = z.object({ email, name: z.string().optional() }).strict();

const bookingFields = {
  rooms: z.array(z.string().min(1)).min(1),
  subject: z.string(),
  start: z.string(),
  end: z.string(),
  timeZone: zone.optional(),
  requestor: email,
  participants: participants.optional(),
  /** Who the change is recorded as (`Updated by`); default the requestor. Another integration names itself. */
  updatedBy: z.string().min(1).optional(),
};

const createSchema = z
  .object({
    ...bookingFields,
    /** Fixtures only: a person cannot type these, but a seeded tenant may hold them (even twice). */
    externalReference: z.string().optional(),
    seriesExternalReference: z.string().optional(),
  })
  .strict();

const patchSchema = z.object(bookingFields).partial().strict();

export interface BookingDeps {
  store: Store;
  profile: () => Profile;
}

export function reservationView(reservation: Reservation) {
  const zoneOf = reservation.timeZone;
  return {
    id: reservation.id,
    reference: reservation.reference,
    externalReference: reservation.externalReference,
    seriesExternalReference: reservation.seriesExternalReference,
    occurrenceOriginalStart:
      reservation.occurrenceOriginalStart === null
        ? null
        : new Date(reservation.occurrenceOriginalStart).toISOString(),
    subject: reservation.subject,
    start: isoInZone(reservation.start, zoneOf),
    end: isoInZone(reservation.end, zoneOf),
    timeZone: zoneOf,
    requestor: reservation.requestorEmail,
    participants: reservation.participants,
    status: reservation.status,
    items: reservation.items,
    createdAt: new Date(reservation.createdAt).toISOString(),
    updateTime: new Date(reservation.updateTime).toISOString(),
    updatedBy: reservation.updatedBy,
  };
}

function instant(value: string, zoneName: string, field: string): number {
  const parsed = parseWallClock(value, zoneName);
  if (parsed === undefined)
    throw new ControlError(400, 'invalid', `'${value}' is not an ISO 8601 date-time`, field);
  return parsed;
}

function checkRooms(store: Store, rooms: string[]): void {
  rooms.forEach((reference, index) => {
    const area = store.areas.get(reference);
    if (!area) throw new ControlError(400, 'invalid', `Room '${reference}' does not exist`, `rooms.${index}`);
    if (!area.reservable)
      throw new ControlError(400, 'invalid', `Room '${reference}' is not reservable`, `rooms.${index}`);
  });
  if (new Set(rooms).size !== rooms.length)
    throw new ControlError(400, 'invalid', 'A room is listed twice', 'rooms');
}

function checkFree(store: Store, reservation: Reservation): void {
  for (const item of reservation.items) {
    if (item.status !== 'Confirmed') continue;
    const other = store.conflict(item.areaReference, reservation.start, reservation.end, reservation.id);
    if (other)
      throw new ControlError(
        409,
        'room_taken',
        `Room '${item.areaReference}' is already reserved by ${other.reference} (${other.id})`,
      );
  }
}

function toParticipants(store: Store, list: z.infer<typeof participants>): Participant[] {
  return list.map((participant) => ({
    email: participant.email,
    name: participant.name ?? store.person(participant.email)?.name ?? '',
    required: participant.required ?? true,
    visitor: store.person(participant.email) === undefined,
  }));
}

/** A person making a booking is a Workplace user: an unknown requestor becomes a person. */
function ensurePerson(store: Store, address: string): void {
  if (!store.person(address)) store.people.set(address.toLowerCase(), { email: address, name: '' });
}

function existing(store: Store, id: string): Reservation {
  const reservation = store.reservations.get(id);
  if (!reservation) throw new ControlError(404, 'not_found', `No reservation ${id}`);
  return reservation;
}

export function addBookingRoutes(router: ControlRouter, { store, profile }: BookingDeps): void {
  router
    .add('POST', '/_emulator/rooms', ({ raw }) => {
      const input = parseBody(roomSchema, raw);
      if (store.areas.has(input.reference))
        throw new ControlError(409, 'exists', `Room '${input.reference}' already exists`);
      const area: Area = {
        id: store.nextId(),
        reference: input.reference,
        name: input.name,
        email: input.email ?? '',
        property: input.property ?? '',
        capacity: input.capacity ?? null,
        reservable: input.reservable ?? true,
      };
      store.areas.set(area.reference, area);
      return { status: 201, body: area };
    })
    .add('GET', '/_emulator/rooms', () => ({ status: 200, body: { items: [...store.areas.values()] } }))
    .add('POST', '/_emulator/people', ({ raw }) => {
      const input = parseBody(personSchema, raw);
      if (store.person(input.email))
        throw new ControlError(409, 'exists', `Person '${input.email}' already exists`);
      const person = { email: input.email, name: input.name ?? '' };
      store.people.set(input.email.toLowerCase(), person);
      return { status: 201, body: person };
    })
    .add('GET', '/_emulator/people', () => ({ status: 200, body: { items: [...store.people.values()] } }))
    .add('POST', '/_emulator/reservations', ({ raw }) => {
      const input = parseBody(createSchema, raw);
      const timeZone = input.timeZone ?? profile().timeZone;
      checkRooms(store, input.rooms);
      const start = instant(input.start, timeZone, 'start');
      const end = instant(input.end, timeZone, 'end');
      if (end <= start) throw new ControlError(400, 'invalid', 'end must be after start', 'end');
      ensurePerson(store, input.requestor);
      const reservation: Reservation = {
        id: store.nextId(),
        reference: store.nextReservationReference(),
        externalReference: input.externalReference ?? '',
        seriesExternalReference: input.seriesExternalReference ?? '',
        occurrenceOriginalStart: null,
        subject: input.subject,
        start,
        end,
        timeZone,
        requestorEmail: input.requestor,
        participants: toParticipants(store, input.participants ?? []),
        status: 'Confirmed',
        items: itemsFor(
          store,
          [],
          input.rooms.map((areaReference) => ({ areaReference, status: 'Confirmed' })),
        ),
        createdAt: store.stamp(),
        updateTime: 0,
        updatedBy: '',
      };
      checkFree(store, reservation);
      saveChange(store, reservation, input.updatedBy ?? input.requestor);
      return { status: 201, body: reservationView(existing(store, reservation.id)) };
    })
    .add('GET', '/_emulator/reservations', ({ query }) => {
      const room = query.get('room');
      const externalReference = query.get('externalReference');
      const items = [...store.reservations.values()].filter(
        (reservation) =>
          (room === null || reservation.items.some((item) => item.areaReference === room)) &&
          (externalReference === null || reservation.externalReference === externalReference),
      );
      return { status: 200, body: { items: items.map(reservationView) } };
    })
    .add('GET', '/_emulator/reservations/{id}', ({ params }) => ({
      status: 200,
      body: reservationView(existing(store, params.id ?? '')),
    }))
    .add('PATCH', '/_emulator/reservations/{id}', ({ params, raw }) => {
      const before = existing(store, params.id ?? '');
      const input = parseBody(patchSchema, raw);
      if (before.status !== 'Confirmed')
        throw new ControlError(409, 'not_confirmed', `Reservation ${before.reference} is ${before.status}`);
      const timeZone = input.timeZone ?? before.timeZone;
      if (input.rooms) checkRooms(store, input.rooms);
      if (input.requestor !== undefined) ensurePerson(store, input.requestor);
      const after: Reservation = {
        ...before,
        subject: input.subject ?? before.subject,
        start: input.start === undefined ? before.start : instant(input.start, timeZone, 'start'),
        end: input.end === undefined ? before.end : instant(input.end, timeZone, 'end'),
        timeZone,
        requestorEmail: input.requestor ?? before.requestorEmail,
        participants: input.participants ? toParticipants(store, input.participants) : before.participants,
        items: input.rooms
          ? itemsFor(
              store,
              before.items,
              input.rooms.map((areaReference) => ({ areaReference, status: 'Confirmed' })),
            )
          : before.items,
      };
      if (after.end <= after.start) throw new ControlError(400, 'invalid', 'end must be after start', 'end');
      checkFree(store, after);
      const by = input.updatedBy ?? after.requestorEmail;
      if (!profile().participantsBumpUpdateTime && onlyParticipantsDiffer(before, after))
        store.saveReservation({ ...after, updatedBy: by });
      else saveChange(store, after, by);
      return { status: 200, body: reservationView(existing(store, before.id)) };
    })
    .add('DELETE', '/_emulator/reservations/{id}', ({ params, query }) => {
      const reservation = existing(store, params.id ?? '');
      if (reservation.status === 'Confirmed')
        cancelReservation(store, profile(), reservation, query.get('by') ?? reservation.requestorEmail);
      return { status: 204 };
    });
}
