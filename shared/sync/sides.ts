import type { GraphEvent } from '../graph/event';
import { NotFound } from '../errors';
import type { Booking } from '../model';
import type { LinkRecord } from '../store';
import type { Reservation } from '../workplace';
import { directoryOf, exchangeBooking, holdsBooking, liveLines, type SyncedRooms } from './booking-of';
import { bookingFromReservation } from '../mapping';
import type { SyncDeps } from './ports';

/** The two sides of a booking as a worker reads them (through the ports), and the link being updated. */

export interface ExchangeSide {
  room: string;
  event: GraphEvent;
  booking: Booking;
}

export interface WorkplaceSide {
  reservation: Reservation;
  booking: Booking;
}

export interface Sides {
  record: LinkRecord;
  exchange: ExchangeSide | undefined;
  workplace: WorkplaceSide | undefined;
  rooms: SyncedRooms;
  correlationId: string;
  /** The changeKey the notification being handled named, when it did: a state now read past. */
  notified?: string;
}

/** The rooms roomsync syncs, read once per change. */
export async function syncedRooms(deps: Pick<SyncDeps, 'store' | 'effects'>): Promise<SyncedRooms> {
  const rooms = await deps.store.rooms.list();
  deps.effects.registered(rooms);
  return directoryOf(rooms);
}

/** A reservation as the sync compares it; undefined when gone, cancelled, or declined in every room. */
export async function readReservation(
  id: string | null | undefined,
  deps: Pick<SyncDeps, 'workplace' | 'effects'>,
  rooms: SyncedRooms,
): Promise<WorkplaceSide | undefined> {
  if (!id) return undefined;
  let reservation: Reservation;
  try {
    reservation = await deps.workplace.getReservation(id);
  } catch (err) {
    if (err instanceof NotFound) return undefined;
    throw err;
  }
  deps.effects.sawReservation(reservation);
  if (reservation.cancelled) return undefined;
  const live = liveLines(reservation, rooms);
  if (live.lines.every((line) => line.status === 'declined')) return undefined;
  return { reservation, booking: bookingFromReservation(live, rooms) };
}

/** A room's copy as the sync compares it; undefined when it holds no booking (gone, cancelled, declined). */
export function exchangeSide(
  room: string,
  event: GraphEvent | undefined,
  rooms: SyncedRooms,
): ExchangeSide | undefined {
  if (!event || !holdsBooking(event)) return undefined;
  return { room, event, booking: exchangeBooking(event, room, rooms) };
}

export async function readEvent(
  room: string,
  eventId: string,
  deps: Pick<SyncDeps, 'exchange' | 'effects'>,
  rooms: SyncedRooms,
): Promise<ExchangeSide | undefined> {
  const event = await deps.exchange.getEvent(room, eventId);
  deps.effects.sawCopy(room, event, true);
  return exchangeSide(room, event, rooms);
}

/**
 * The booking as Exchange holds it: the organizer room's event, or for an Outlook meeting the first
 * room copy still there. One room's copy gone (that room left the meeting; its own notification
 * releases it) does not make the meeting gone while another room still holds it.
 */
export async function readMeeting(
  linked: LinkRecord,
  deps: Pick<SyncDeps, 'exchange' | 'effects'>,
  rooms: SyncedRooms,
): Promise<ExchangeSide | undefined> {
  const host = linked.copies.find((c) => c.room === linked.organizerRoom);
  const candidates = host ? [host] : linked.copies;
  for (const copy of candidates) {
    const found = await readEvent(copy.room, copy.eventId, deps, rooms);
    if (found) return found;
  }
  return undefined;
}

/** The meeting with this iCalUId as the first of `candidates` that holds it shows it. */
export async function findMeeting(
  iCalUId: string,
  candidates: string[],
  deps: Pick<SyncDeps, 'exchange' | 'effects'>,
  rooms: SyncedRooms,
): Promise<ExchangeSide | undefined> {
  for (const room of candidates) {
    const found = await deps.exchange.findByICalUId(room, iCalUId);
    deps.effects.sawCopy(room, found, false);
    if (!found) continue;
    // Read whole, as every copy the sync compares is (a series' exceptions expanded).
    const exchange = await readEvent(room, found.id, deps, rooms);
    if (exchange) return exchange;
  }
  return undefined;
}
