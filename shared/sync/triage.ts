import { organizerOf, type GraphEvent } from '../graph/event';
import type { SyncMessage } from '../queue/messages';
import type { DeltaStateRecord, LinkRecord, Versioned } from '../store';
import type { SyncedRooms } from './booking-of';
import { fingerprint } from '../model';
import { alreadyRead, alreadySeen, recordCopy } from './link-record';
import type { Plan, TriageRule } from './plan';
import type { ClaimKind } from './ports';
import type { ExchangeSide, WorkplaceSide } from './sides';

/**
 * The sync's checks before and around the decision table, pure: each takes what has been read so far
 * and says whether the change ends here (an echo, a copy the link no longer holds, a room not synced,
 * a withheld removal…), or what is read or decided next. The orchestration (exchange-change.ts,
 * workplace-change.ts, settle.ts) reads, asks, and does what it is told.
 */

type GraphChange = Extract<SyncMessage, { kind: 'graphChange' }>;
type Copy = LinkRecord['copies'][number];
export type ClaimKey = [ClaimKind, string];

/** Before anything is read: the notification of our own write, or a deletion nothing links. */
export function triageNotification(
  message: Pick<GraphChange, 'changeKey' | 'changeType'>,
  known: Versioned<LinkRecord> | undefined,
  copy: Copy | undefined,
): Extract<TriageRule, 'echo' | 'unlinkedDeleted'> | 'read' {
  // The notification of our own write (or of a state already read): no Graph call at all.
  if (alreadyRead(copy, message.changeKey)) return 'echo';
  // A deletion of an event no link holds: the echo of roomsync's own delete (the booking was forgotten
  // with it), or an event never synced. Reading it would only answer 404, and there is nothing to sync.
  if (!known && message.changeType === 'deleted') return 'unlinkedDeleted';
  return 'read';
}

/** What the room's copy, as read, is to the booking. */
export type CopyVerdict =
  /** A copy the link no longer holds going away (the event was made again elsewhere, the room left). */
  | { kind: 'staleCopy' }
  /** A guest room's copy of a meeting another registered room hosts: the host's event is the booking. */
  | { kind: 'guestCopy'; host: string }
  /** The copy is the booking as this room holds it. */
  | { kind: 'booking' };

export function triageCopy(args: {
  room: string;
  known: Versioned<LinkRecord> | undefined;
  copy: Copy | undefined;
  record: LinkRecord;
  exchange: ExchangeSide | undefined;
  rooms: SyncedRooms;
}): CopyVerdict {
  const { room, known, copy, record, exchange, rooms } = args;
  if (known && !copy && !exchange) return { kind: 'staleCopy' };
  const host = exchange ? hostRoomOf(record, exchange.event, room, rooms) : undefined;
  return host ? { kind: 'guestCopy', host } : { kind: 'booking' };
}

/**
 * The registered room whose event is the booking when `room`'s copy is only a guest's: the link's
 * organizer room, or else the registered room that organizes the meeting.
 */
function hostRoomOf(
  record: LinkRecord,
  event: GraphEvent,
  room: string,
  rooms: SyncedRooms,
): string | undefined {
  const organizer = record.organizerRoom ?? organizerOf(event);
  return organizer && organizer !== room && rooms.emails.has(organizer) ? organizer : undefined;
}

/** The keys a booking seen without a link is claimed by: its reservation's id, then its iCalUId. */
export function eventClaimKeys(
  reservationId: string | undefined,
  iCalUId: string | null | undefined,
): ClaimKey[] {
  return [
    ...(reservationId ? [['reservation', reservationId] as ClaimKey] : []),
    ...(iCalUId ? [['iCalUId', iCalUId] as ClaimKey] : []),
  ];
}

/**
 * An event roomsync made for this reservation that is not the booking's event: left by a create whose
 * link was lost before the reservation's first room changed, or by a move that died before removing the
 * old one. It goes, or the room would stay booked twice.
 */
export function isStrayEvent(args: {
  link: LinkRecord;
  reservationId: string | undefined;
  room: string;
  eventId: string;
  event: GraphEvent;
}): boolean {
  const { link, reservationId, room, eventId, event } = args;
  const hostCopy = link.copies.find((c) => c.room === link.organizerRoom);
  return (
    reservationId !== undefined &&
    hostCopy !== undefined &&
    hostCopy.eventId !== eventId &&
    organizerOf(event) === room
  );
}

/**
 * A would-be stray that is the booking's new event after all: the reservation's host room is now this
 * room while the link still names the old host's event (a move whose create took effect but whose answer,
 * and so the link's save, was lost). It is adopted: what the link knew of the old meeting goes (the move
 * deleted it, and its copies going away is no news), and this event is the booking as roomsync wrote it.
 */
export function movedHere(link: LinkRecord, room: string, currentHost: string | undefined): boolean {
  return currentHost === room && link.organizerRoom !== null && link.organizerRoom !== room;
}

export function adoptMovedEvent(link: LinkRecord, exchange: ExchangeSide): LinkRecord {
  return {
    ...link,
    organizerRoom: exchange.room,
    iCalUId: exchange.event.iCalUId ?? null,
    copies: recordCopy([], exchange.room, exchange.event),
    releasedRooms: [],
    exchangeFingerprint: fingerprint(exchange.booking),
  };
}

/**
 * The link record to continue with once a booking seen without a link is resolved: the link found, or
 * else a new one; an event carrying a reservation id (roomsync made it, its link lost to a crash between
 * the write and its save) is the reservation's, hosted by this room.
 */
export function recordForUnlinkedEvent(
  found: Versioned<LinkRecord> | undefined,
  candidate: LinkRecord,
  reservationId: string | undefined,
  room: string,
): LinkRecord {
  if (found) return found.value;
  return reservationId ? { ...candidate, origin: 'workplace', organizerRoom: room } : candidate;
}

/** A room that had left the meeting holds it again (the organizer invited it anew): it is back in. */
export function withRoomBack(
  record: LinkRecord,
  room: string,
  exchange: ExchangeSide | undefined,
): LinkRecord {
  if (!exchange || !(record.releasedRooms ?? []).includes(room)) return record;
  return { ...record, releasedRooms: (record.releasedRooms ?? []).filter((r) => r !== room) };
}

/**
 * One room of a multi-room booking lost its copy (deleted there, or the room declined): that room's line
 * goes, the booking stays for the other rooms.
 */
export function roomLeaves(
  link: Versioned<LinkRecord> | undefined,
  room: string,
  exchange: ExchangeSide | undefined,
): link is Versioned<LinkRecord> {
  return !exchange && link !== undefined && link.value.copies.some((c) => c.room !== room);
}

/** Rooms that left the booking in Exchange stay out of it, though the meeting still lists them. */
export function withoutReleasedRooms(
  record: LinkRecord,
  exchange: ExchangeSide | undefined,
): ExchangeSide | undefined {
  const released = new Set(record.releasedRooms ?? []);
  if (!exchange || released.size === 0) return exchange;
  const booking = exchange.booking;
  return { ...exchange, booking: { ...booking, rooms: booking.rooms.filter((r) => !released.has(r)) } };
}

/** Whether a room's sweep withholds removals now, until an administrator confirms them. */
export function removalsWithheld(state: DeltaStateRecord | undefined): boolean {
  return (state?.withheldRemovals ?? 0) > 0 && state?.confirmRemovals !== true;
}

/**
 * A plan that would cancel a reservation because its event vanished: held back while one of the
 * booking's rooms withholds removals (never mass-delete on a guess; the sweep reports it).
 */
export function cancelsForVanishedEvent(plan: Plan, exchange: ExchangeSide | undefined): boolean {
  return !exchange && plan.actions.some((a) => a.kind === 'cancelReservation');
}

/** A webhook for a version the link already wrote or read: nothing new. */
export function isWorkplaceEcho(
  link: Versioned<LinkRecord> | undefined,
  version: number | undefined,
): boolean {
  return alreadySeen(link, version);
}

/** The keys a reservation seen without a link is claimed by; one made from a meeting names the meeting. */
export function reservationClaimKeys(
  reservationId: string,
  workplace: WorkplaceSide | undefined,
): ClaimKey[] {
  const made = workplace?.reservation;
  // A reservation roomsync made from an Exchange meeting names the meeting: its link may be in the
  // making by the worker that created it (this webhook overtook that worker's save).
  return made?.source === 'exchange' && made.externalRef
    ? [
        ['iCalUId', made.externalRef],
        ['reservation', reservationId],
      ]
    : [['reservation', reservationId]];
}

/** None of the reservation's rooms is one roomsync syncs: nothing to claim or link. */
export function reservationNotSynced(workplace: WorkplaceSide | undefined): boolean {
  return workplace !== undefined && workplace.booking.rooms.length === 0;
}

/**
 * The owner of a reservation seen without a link: made from an Outlook meeting (lost to a crash between
 * the reservation's create and the link's save), the meeting owns it.
 */
export function recordForUnlinkedReservation(
  found: Versioned<LinkRecord> | undefined,
  candidate: LinkRecord,
  workplace: WorkplaceSide | undefined,
): LinkRecord {
  if (found) return found.value;
  return workplace?.reservation.source === 'exchange' ? { ...candidate, origin: 'exchange' } : candidate;
}
