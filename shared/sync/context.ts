import { createHash } from 'node:crypto';
import type { GraphEvent, GraphGateway } from '../graph';
import { RESERVATION_ID_PROPERTY, bookingFromGraphEvent, type RoomDirectory } from '../mapping';
import { canonicalBooking, type Booking } from '../model';
import type { LinkRecord, Store } from '../store';
import type { Logger } from '../telemetry/logger';
import type { WorkplaceClient } from '../workplace';

/** What a sync run needs from the outside world: passed in, so the logic is tested with real emulators. */
export interface SyncDeps {
  store: Store;
  graph: Pick<
    GraphGateway,
    | 'getEvent'
    | 'findByICalUId'
    | 'createEvent'
    | 'updateEvent'
    | 'deleteEvent'
    | 'declineEvent'
    | 'calendarView'
    | 'calendarViewPages'
    | 'calendarViewDelta'
    | 'instances'
  >;
  workplace: Pick<
    WorkplaceClient,
    | 'getReservation'
    | 'createReservation'
    | 'replaceReservation'
    | 'cancelReservation'
    | 'declineLine'
    | 'listReservations'
  >;
  logger: Logger;
  now(): Date;
  /** How far ahead bookings are kept in sync (design §5), in days. */
  horizonDays: number;
}

/** The span bookings are kept in sync over: from yesterday to the horizon (design §5). */
export function syncWindow(deps: Pick<SyncDeps, 'now' | 'horizonDays'>): { start: Date; end: Date } {
  const now = deps.now().getTime();
  return { start: new Date(now - 86_400_000), end: new Date(now + deps.horizonDays * 86_400_000) };
}

/** A room's copy that the room declined: it holds no booking, whatever is left in its calendar. */
export function isDeclined(event: GraphEvent): boolean {
  return (event.responseStatus as { response?: string } | undefined)?.response === 'declined';
}

/** The registered rooms as a Workplace room id ↔ mailbox directory (only those roomsync syncs). */
export async function roomDirectory(store: Store): Promise<RoomDirectory & { emails: Set<string> }> {
  const rooms = await store.rooms.list();
  return {
    emails: new Set(rooms.map((r) => r.email)),
    roomEmail: (id) => rooms.find((r) => r.workplaceRoomId === id)?.email,
    workplaceRoomId: (email) => rooms.find((r) => r.email === email.toLowerCase())?.workplaceRoomId,
  };
}

/**
 * The transactionId of the event made for a reservation in its host room: a GUID derived from both, so a
 * create that is retried (after a crash, a lost answer) returns the first event instead of making a
 * second, and a booking that moves to another host room (its first room was taken off) gets a new one.
 */
export function transactionIdFor(reservationId: string, hostRoom: string): string {
  const hex = createHash('sha256').update(`roomsync:${reservationId}:${hostRoom}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

type Copy = LinkRecord['copies'][number];

/** How many earlier changeKeys of a copy are remembered: enough for the writes of one sync run. */
const SEEN_LIMIT = 16;

/**
 * The link's copies with `room`'s copy now at `event`'s state; the changeKey it replaces, and `notified`
 * (a notification's changeKey the read was made after), are remembered as seen.
 */
export function recordCopy(copies: Copy[], room: string, event: GraphEvent, notified?: string): Copy[] {
  const before = copies.find((c) => c.room === room);
  const changeKey = event.changeKey ?? null;
  const earlier = [...(before?.seen ?? []), before?.changeKey ?? null, notified ?? null].filter(
    (key): key is string => key !== null && key !== changeKey,
  );
  const seen = [...new Set(earlier)].slice(-SEEN_LIMIT);
  return [
    ...copies.filter((c) => c.room !== room),
    { room, eventId: event.id, changeKey, ...(seen.length > 0 ? { seen } : {}) },
  ];
}

/** Whether a notification's changeKey names a state of the copy already read or written. */
export function alreadyRead(copy: Copy | undefined, changeKey: string | undefined): boolean {
  return changeKey !== undefined && (copy?.changeKey === changeKey || (copy?.seen ?? []).includes(changeKey));
}

/** The reservation an event was made for, when roomsync made it (its extended property says). */
export function reservationIdOf(event: GraphEvent): string | undefined {
  return propertiesOf(event).find((p) => p.id.toLowerCase() === RESERVATION_ID_PROPERTY.toLowerCase())?.value;
}

/** The single-value extended properties an event came with ($expand-ed on reads). */
export function propertiesOf(event: GraphEvent): { id: string; value: string }[] {
  const list = event.singleValueExtendedProperties;
  return Array.isArray(list) ? (list as { id: string; value: string }[]) : [];
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
    .map((email) => ({ email, name: nameOf(event, email), required: true }));
  return canonicalBooking({
    ...booking,
    attendees: [...booking.attendees, ...others],
    rooms: booking.rooms.filter(synced),
  });
}

function nameOf(event: GraphEvent, email: string): string {
  const attendees = Array.isArray(event['attendees'])
    ? (event['attendees'] as { emailAddress?: { address?: string; name?: string } }[])
    : [];
  return (
    attendees.find((a) => a.emailAddress?.address?.trim().toLowerCase() === email)?.emailAddress?.name ?? ''
  );
}
