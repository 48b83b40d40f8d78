import { attendeeName, isCancelled, isDeclined, type GraphEvent } from '../graph/event';
import { bookingFromGraphEvent, bookingFromReservation, type RoomDirectory } from '../mapping';
import { canonicalBooking, type Booking } from '../model';
import type { RoomRecord } from '../store';
import type { Reservation } from '../workplace';

/** The Booking each side's item is compared as, pure: both describe the same rooms, the synced ones. */

/** The registered rooms as a Workplace room id ↔ mailbox directory (only those roomsync syncs). */
export type SyncedRooms = RoomDirectory & { emails: Set<string> };

export function directoryOf(rooms: RoomRecord[]): SyncedRooms {
  return {
    emails: new Set(rooms.map((r) => r.email)),
    roomEmail: (id) => rooms.find((r) => r.workplaceRoomId === id)?.email,
    workplaceRoomId: (email) => rooms.find((r) => r.email === email.toLowerCase())?.workplaceRoomId,
  };
}

/**
 * An event of a room's calendar as the Booking the sync compares: limited to the rooms roomsync syncs, so
 * both sides describe the same rooms. Every Exchange read and write-back goes through here, so what the
 * link records and what the next read finds are computed alike.
 */
export function exchangeBooking(event: GraphEvent, room: string, rooms: RoomDirectory): Booking {
  const booking = bookingFromGraphEvent(event, { roomEmail: room });
  const synced = (r: string): boolean => rooms.workplaceRoomId(r) !== undefined;
  // Rooms roomsync does not sync are not Workplace's to book: they stay in the booking as plain
  // attendees, so Workplace shows them and a write back to Exchange keeps them invited.
  const others = booking.rooms
    .filter((r) => !synced(r))
    .map((email) => ({ email, name: attendeeName(event, email), required: true }));
  return canonicalBooking({
    ...booking,
    attendees: [...booking.attendees, ...others],
    rooms: booking.rooms.filter(synced),
  });
}

/** Whether a room's copy holds the booking: not cancelled by its organizer, not declined by the room. */
export function holdsBooking(event: GraphEvent): boolean {
  return !isCancelled(event) && !isDeclined(event);
}

/** Only the lines of rooms roomsync syncs, so both sides describe the same rooms. */
export function liveLines(reservation: Reservation, rooms: RoomDirectory): Reservation {
  return {
    ...reservation,
    lines: reservation.lines.filter((line) => rooms.roomEmail(line.roomId) !== undefined),
  };
}

/** A reservation as the Booking the sync compares (its synced rooms' lines only). */
export function workplaceBooking(reservation: Reservation, rooms: RoomDirectory): Booking {
  return bookingFromReservation(liveLines(reservation, rooms), rooms);
}
