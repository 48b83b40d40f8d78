import { bookingFromReservation, graphEventIdentity, type RoomDirectory } from '../mapping';
import { fingerprint as fingerprintOf } from '../model';
import type { SyncMessage } from '../queue/messages';
import { LinkRepository, type LinkRecord, type Versioned } from '../store';
import { NotFound, type Reservation } from '../workplace';
import type { GraphEvent } from '../graph';
import { apply, liveLines, type Sides } from './apply';
import {
  alreadyRead,
  exchangeBooking,
  isDeclined,
  recordCopy,
  reservationIdOf,
  roomDirectory,
  type SyncDeps,
} from './context';
import { exchangeItemMessage } from './queue-items';
import { decide, type ExchangeState, type Side, type WorkplaceState } from './decide';

/**
 * One queue message, carried through: read both sides and the link, decide, apply, save the link. Safe
 * to run again for the same message (every write is idempotent or guarded by a version), which is what
 * the queue's at-least-once delivery asks for.
 */

/** Another worker claimed this booking and has not written its link yet: try again shortly. */
export class LinkInProgress extends Error {
  constructor(key: string) {
    super(`another worker is linking booking ${key}`);
    this.name = 'LinkInProgress';
  }
}

export interface SyncOutcome {
  rule: string;
  writes: number;
  /** Why nothing was read or written, when that was decided before reading. */
  skipped?: 'echo' | 'notSynced';
  /** For an echo: the correlation id of the change whose write it is, to follow one change in the logs. */
  causedBy?: string;
  /**
   * A link whose rooms should be looked at again a little later: the write just made names registered
   * rooms whose copies have not been seen (still being processed by Exchange, or declined at invitation).
   */
  checkRoomsOf?: string;
}

function exchangeState(exchange: Sides['exchange']): ExchangeState {
  return exchange
    ? { kind: 'present', booking: exchange.booking, changeKey: exchange.event.changeKey ?? '' }
    : { kind: 'absent' };
}

function workplaceState(workplace: Sides['workplace']): WorkplaceState {
  return workplace
    ? { kind: 'present', booking: workplace.booking, version: workplace.reservation.version }
    : { kind: 'absent' };
}

async function readReservation(
  id: string | null | undefined,
  deps: SyncDeps,
  rooms: RoomDirectory,
): Promise<Sides['workplace']> {
  if (!id) return undefined;
  let reservation: Reservation;
  try {
    reservation = await deps.workplace.getReservation(id);
  } catch (err) {
    if (err instanceof NotFound) return undefined;
    throw err;
  }
  if (reservation.cancelled) return undefined;
  const live = liveLines(reservation, rooms);
  if (live.lines.every((line) => line.status === 'declined')) return undefined;
  return { reservation, booking: bookingFromReservation(live, rooms) };
}

async function readEvent(
  room: string,
  eventId: string,
  deps: SyncDeps,
  rooms: RoomDirectory,
): Promise<Sides['exchange']> {
  return exchangeSide(room, await deps.graph.getEvent(room, eventId), rooms);
}

function exchangeSide(room: string, event: GraphEvent | undefined, rooms: RoomDirectory): Sides['exchange'] {
  if (!event || event.isCancelled === true) return undefined;
  if (isDeclined(event)) return undefined;
  return { room, event, booking: exchangeBooking(event, room, rooms) };
}

function newLink(origin: Side): LinkRecord {
  return {
    id: LinkRepository.newId(),
    origin,
    organizerRoom: null,
    reservationId: null,
    iCalUId: null,
    copies: [],
    exchangeFingerprint: null,
    workplaceFingerprint: null,
    workplaceVersion: null,
    updatedAt: new Date(0).toISOString(),
  };
}

async function settle(
  link: Versioned<LinkRecord> | undefined,
  sides: Sides,
  deps: SyncDeps,
  claimed: ClaimKey[] = [],
): Promise<SyncOutcome> {
  // Rooms that left the booking in Exchange stay out of it, though the meeting still lists them.
  const released = new Set(sides.record.releasedRooms ?? []);
  if (sides.exchange && released.size > 0) {
    const booking = sides.exchange.booking;
    sides = {
      ...sides,
      exchange: {
        ...sides.exchange,
        booking: { ...booking, rooms: booking.rooms.filter((r) => !released.has(r)) },
      },
    };
  }
  const record = sides.record;
  const plan = decide(
    exchangeState(sides.exchange),
    workplaceState(sides.workplace),
    // A link about to be made already knows which side owns the booking.
    {
      origin: record.origin,
      exchange: record.exchangeFingerprint ? { fingerprint: record.exchangeFingerprint } : null,
      workplace: record.workplaceFingerprint ? { fingerprint: record.workplaceFingerprint } : null,
    },
  );
  if (
    !sides.exchange &&
    plan.actions.some((a) => a.kind === 'cancelReservation') &&
    (await withheld(record, deps))
  ) {
    // The room's sweep found too much gone at once and withholds it until an administrator confirms
    // (never mass-delete on a guess): a single message must not cancel it behind the sweep's back.
    if (!link) await deps.store.links.releaseClaims(record.id, claimed);
    return { rule: 'withheld', writes: 0 };
  }
  // Another worker may be writing this booking: what this one read of the sides may then hold its write
  // while the link does not yet, and deciding on that mix would undo it. The writer holds a lease on the
  // link from before its write until the link's save; a link read before the lease fails the lease's
  // conditional save below, one read during it waits here.
  let etag = link?.etag;
  if (link) {
    if (leased(link.value, deps)) throw new LinkInProgress(`link ${link.value.id}`);
    if (plan.actions.length > 0) etag = await deps.store.links.lease(link, leaseEnd(deps));
  }
  let applied: Awaited<ReturnType<typeof apply>>;
  try {
    applied = await apply(plan, sides, deps);
  } catch (err) {
    // A retry will claim again; a claim left behind would keep every other message of this booking
    // waiting for a link this run will not write, and a lease kept would hold them until it lapses.
    // (Writes already made are safe to repeat: the Idempotency-Key and transactionId return the first
    // result.)
    if (!link) await deps.store.links.releaseClaims(record.id, claimed);
    else if (etag !== link.etag && etag) await deps.store.links.endLease(link.value, etag);
    throw err;
  }
  // What each side holds now, as written or else as read: the agreement the next run compares with.
  const wrote = (...kinds: string[]): boolean => plan.actions.some((a) => kinds.includes(a.kind));
  let next = applied.record;
  if (sides.exchange && !wrote('createEvent', 'updateEvent', 'deleteEvent', 'declineEvent')) {
    next = {
      ...next,
      exchangeFingerprint: fingerprintOf(sides.exchange.booking),
      iCalUId: next.iCalUId ?? sides.exchange.event.iCalUId ?? null,
      copies: recordCopy(next.copies, sides.exchange.room, sides.exchange.event, sides.notified),
    };
  }
  if (sides.workplace && !wrote('createReservation', 'updateReservation', 'cancelReservation')) {
    next = {
      ...next,
      reservationId: sides.workplace.reservation.id,
      workplaceVersion: sides.workplace.reservation.version,
      workplaceFingerprint: fingerprintOf(sides.workplace.booking),
    };
  }
  const known = sides.workplace?.booking ?? sides.exchange?.booking;
  next = {
    ...next,
    ...(known ? { isSeries: known.recurrence !== null } : {}),
    ...(applied.writes > 0 ? { writtenBy: sides.correlationId } : {}),
    writingUntil: null,
    updatedAt: deps.now().toISOString(),
  };
  if (applied.forget) {
    if (link) await deps.store.links.delete(link.value);
  } else if (next.copies.length > 0 || next.workplaceFingerprint !== null) {
    if (link && etag) await deps.store.links.save(next, etag);
    else await deps.store.links.create(next);
    const written = plan.actions.find((a) =>
      ['createReservation', 'updateReservation', 'createEvent', 'updateEvent'].includes(a.kind),
    );
    const rooms = written && 'booking' in written ? written.booking.rooms : [];
    const unseen = rooms.filter((room) => !next.copies.some((c) => c.room === room));
    return {
      rule: plan.rule,
      writes: applied.writes,
      ...(unseen.length > 0 ? { checkRoomsOf: next.id } : {}),
    };
  }
  // Nothing linked: the claims made for this booking must not keep its next changes waiting, nor (the
  // link kept as it was) its lease.
  if (!link) await deps.store.links.releaseClaims(record.id, claimed);
  else if (!applied.forget && etag && etag !== link.etag) await deps.store.links.endLease(link.value, etag);
  return { rule: plan.rule, writes: applied.writes };
}

/**
 * How long a write may hold a booking's link: longer than any write with its retries takes; a lease
 * outliving its worker (killed mid-write) keeps the booking's other changes waiting this long at most.
 */
export const LEASE_MS = 60_000;

function leaseEnd(deps: SyncDeps): Date {
  return new Date(deps.now().getTime() + LEASE_MS);
}

/** Whether another worker holds the link's write lease now. */
function leased(link: LinkRecord, deps: SyncDeps): boolean {
  return link.writingUntil != null && Date.parse(link.writingUntil) > deps.now().getTime();
}

function echo(link: Versioned<LinkRecord> | undefined): SyncOutcome {
  const causedBy = link?.value.writtenBy;
  return { rule: 'echo', writes: 0, skipped: 'echo', ...(causedBy ? { causedBy } : {}) };
}

/** Whether the event is the room's own (the room organizes it), not a copy of another's meeting. */
function organizes(event: GraphEvent, room: string): boolean {
  return graphEventIdentity(event).organizer === room;
}

/** Whether a room of the booking has removals withheld by its sweep, not yet confirmed. */
async function withheld(record: LinkRecord, deps: SyncDeps): Promise<boolean> {
  const rooms = new Set([
    ...record.copies.map((c) => c.room),
    ...(record.organizerRoom ? [record.organizerRoom] : []),
  ]);
  for (const room of rooms) {
    const state = await deps.store.deltaState.get(room);
    if ((state?.withheldRemovals ?? 0) > 0 && state?.confirmRemovals !== true) return true;
  }
  return false;
}

/**
 * The registered room whose event is the booking when `room`'s copy is only a guest's: the link's
 * organizer room, or else the registered room that organizes the meeting.
 */
function hostRoomOf(
  record: LinkRecord,
  event: GraphEvent | undefined,
  room: string,
  rooms: RoomDirectory & { emails: Set<string> },
): string | undefined {
  const organizer = record.organizerRoom ?? (event ? graphEventIdentity(event).organizer : null);
  return organizer && organizer !== room && rooms.emails.has(organizer) ? organizer : undefined;
}

/**
 * What a caller that listed the room's calendar already holds (a backfill): the event as listed, so it is
 * not read again, and the registered rooms it read.
 */
export interface ListedEvent {
  event: GraphEvent;
  rooms: RoomDirectory & { emails: Set<string> };
}

export async function syncGraphChange(
  message: Extract<SyncMessage, { kind: 'graphChange' }>,
  deps: SyncDeps,
  listed?: ListedEvent,
): Promise<SyncOutcome> {
  const known = await deps.store.links.byEvent(message.room, message.eventId);
  const copy = known?.value.copies.find((c) => c.room === message.room && c.eventId === message.eventId);
  // The notification of our own write (or of a state already read): no Graph call at all.
  if (alreadyRead(copy, message.changeKey)) return echo(known);
  // A deletion of an event no link holds: the echo of roomsync's own delete (the booking was forgotten
  // with it), or an event never synced. Reading it would only answer 404, and there is nothing to sync.
  if (!known && message.changeType === 'deleted') return { rule: 'exchange:unlinkedDeleted', writes: 0 };
  const rooms = listed?.rooms ?? (await roomDirectory(deps.store));
  if (!rooms.emails.has(message.room)) return { rule: 'notSynced', writes: 0, skipped: 'notSynced' };
  let exchange =
    listed?.event.id === message.eventId
      ? exchangeSide(message.room, listed.event, rooms)
      : await readEvent(message.room, message.eventId, deps, rooms);
  // A copy the link no longer holds (the booking's event was made again elsewhere, or the room already
  // left it) going away says nothing about the booking.
  if (known && !copy && !exchange) return { rule: 'exchange:staleCopy', writes: 0 };
  let link = known;
  let record = link?.value ?? newLink('exchange');
  let claimed: ClaimKey[] = [];
  const host = hostRoomOf(record, exchange?.event, message.room, rooms);
  if (host && exchange) {
    // A guest room's copy of a meeting another registered room organizes (a Workplace booking with
    // several rooms): the host's event is the booking; this copy only says the room holds it.
    const iCalUId = graphEventIdentity(exchange.event).iCalUId;
    if (!link && iCalUId) {
      const found = await deps.store.links.lookup('iCalUId', iCalUId);
      link = found.state === 'linked' ? found.link : undefined;
    }
    // The host's worker has not linked the meeting yet: come back when it has.
    if (!link) throw new LinkInProgress(iCalUId ?? message.eventId);
    const hostCopy = link.value.copies.find((c) => c.room === host);
    record = {
      ...link.value,
      copies: recordCopy(link.value.copies, message.room, exchange.event, message.changeKey),
    };
    exchange = hostCopy ? await readEvent(host, hostCopy.eventId, deps, rooms) : undefined;
    const workplace = await readReservation(record.reservationId, deps, rooms);
    return settle(link, { record, exchange, workplace, rooms, correlationId: message.correlationId }, deps);
  }
  if (!link && exchange) {
    const reservationId = reservationIdOf(exchange.event);
    const iCalUId = graphEventIdentity(exchange.event).iCalUId;
    const keys: ClaimKey[] = [];
    if (reservationId) keys.push(['reservation', reservationId]);
    if (iCalUId) keys.push(['iCalUId', iCalUId]);
    link = await resolveLink(keys, record.id, deps);
    if (!link) claimed = keys;
    const hostCopy = link?.value.copies.find((c) => c.room === link?.value.organizerRoom);
    if (
      link &&
      reservationId &&
      hostCopy &&
      hostCopy.eventId !== message.eventId &&
      organizes(exchange.event, message.room)
    ) {
      // An event roomsync made for this reservation that is not the booking's event: left by a create
      // whose link was lost before the reservation's first room changed, or by a move that died
      // before removing the old one. It goes, or the room would stay booked twice.
      await deps.graph.deleteEvent(message.room, message.eventId);
      if (claimed.length > 0) await deps.store.links.releaseClaims(record.id, claimed);
      return { rule: 'exchange:strayEvent', writes: 1 };
    }
    // An event roomsync made from a reservation (it carries the reservation's id), seen without a link
    // (the link was lost to a crash between the write and its save): the reservation owns it.
    record =
      link?.value ??
      (reservationId ? { ...record, origin: 'workplace', organizerRoom: message.room } : record);
  }
  if (exchange && (record.releasedRooms ?? []).includes(message.room)) {
    // A room that had left the meeting holds it again (the organizer invited it anew): it is back in.
    record = { ...record, releasedRooms: (record.releasedRooms ?? []).filter((r) => r !== message.room) };
  }
  const reservationId = record.reservationId ?? (exchange ? reservationIdOf(exchange.event) : undefined);
  const workplace = await readReservation(reservationId, deps, rooms);
  const others = record.copies.filter((c) => c.room !== message.room);
  if (!exchange && link && others.length > 0) {
    // One room of a multi-room booking lost its copy (deleted there, or the room declined): that room's
    // line goes, the booking stays for the other rooms.
    return releaseRoom(message.room, link, workplace, rooms, deps);
  }
  return settle(
    link,
    {
      record,
      exchange,
      workplace,
      rooms,
      correlationId: message.correlationId,
      ...(message.changeKey ? { notified: message.changeKey } : {}),
    },
    deps,
    claimed,
  );
}

async function releaseRoom(
  room: string,
  link: Versioned<LinkRecord>,
  workplace: Sides['workplace'],
  rooms: RoomDirectory,
  deps: SyncDeps,
  reason = `The room ${room} no longer holds the meeting in Exchange.`,
): Promise<SyncOutcome> {
  if (leased(link.value, deps)) throw new LinkInProgress(`link ${link.value.id}`);
  const roomId = rooms.workplaceRoomId(room);
  const line = workplace?.reservation.lines.find((l) => l.roomId === roomId);
  let next: LinkRecord = {
    ...link.value,
    copies: link.value.copies.filter((c) => c.room !== room),
    // A room Workplace already took off the booking (its copy went because of that) is not held out.
    releasedRooms: line
      ? [...new Set([...(link.value.releasedRooms ?? []), room])]
      : link.value.releasedRooms,
    updatedAt: deps.now().toISOString(),
  };
  let writes = 0;
  if (workplace && roomId && line && line.status !== 'declined') {
    // The link says what is about to be true before the decline is sent: the webhook of the decline can
    // overtake this worker, and must find a link that already expects it (one room fewer on both sides).
    const remaining = {
      ...workplace.reservation,
      lines: workplace.reservation.lines.filter((l) => l.roomId !== roomId),
    };
    const expected = fingerprintOf(bookingFromReservation(liveLines(remaining, rooms), rooms));
    // It holds the lease too: a worker reading the reservation before the decline lands must not take
    // the still-confirmed line for a change against this link.
    next = { ...next, exchangeFingerprint: expected, workplaceFingerprint: expected };
    const etag = await deps.store.links.save(
      { ...next, writingUntil: leaseEnd(deps).toISOString() },
      link.etag,
    );
    let declined: Reservation;
    try {
      declined = await deps.workplace.declineLine(workplace.reservation.id, roomId, reason);
    } catch (err) {
      // The link as it was, so the retry of this change finds the room's copy to release again.
      await deps.store.links.endLease(link.value, etag);
      throw err;
    }
    next = {
      ...next,
      workplaceVersion: declined.version,
      workplaceFingerprint: fingerprintOf(bookingFromReservation(liveLines(declined, rooms), rooms)),
      writingUntil: null,
    };
    writes += 1;
    await deps.store.links.save(next, etag);
  } else {
    await deps.store.links.save(next, link.etag);
  }
  return { rule: 'exchange:roomReleased', writes };
}

export async function syncWorkplaceChange(
  message: Extract<SyncMessage, { kind: 'workplaceChange' }>,
  deps: SyncDeps,
): Promise<SyncOutcome> {
  let link = await deps.store.links.byReservation(message.reservationId);
  // A webhook for a version we wrote or already read: nothing new.
  if (alreadySeen(link, message.version)) {
    return echo(link);
  }
  const rooms = await roomDirectory(deps.store);
  const workplace = await readReservation(message.reservationId, deps, rooms);
  let record = link?.value ?? { ...newLink('workplace'), reservationId: message.reservationId };
  let claimed: ClaimKey[] = [];
  if (!link) {
    // None of its rooms is one roomsync syncs: nothing to claim or link.
    if (workplace && workplace.booking.rooms.length === 0)
      return { rule: 'notSynced', writes: 0, skipped: 'notSynced' };
    const keys: ClaimKey[] = [['reservation', message.reservationId]];
    // A reservation roomsync made from an Exchange meeting names the meeting: its link may be in the
    // making by the worker that created it (this webhook overtook that worker's save).
    const made = workplace?.reservation;
    if (made?.source === 'exchange' && made.externalRef) keys.unshift(['iCalUId', made.externalRef]);
    link = await resolveLink(keys, record.id, deps);
    if (!link) claimed = keys;
    // Made from an Outlook meeting, seen without a link (lost to a crash between the reservation's
    // create and the link's save): the meeting owns it.
    record = link?.value ?? (made?.source === 'exchange' ? { ...record, origin: 'exchange' } : record);
    if (alreadySeen(link, workplace?.reservation.version)) {
      return echo(link);
    }
  }
  const exchange = link
    ? await readMeeting(link.value, deps, rooms)
    : record.origin === 'exchange' && workplace?.reservation.externalRef
      ? await findMeeting(workplace.reservation.externalRef, workplace.booking.rooms, deps, rooms)
      : undefined;
  return settle(
    link,
    { record, exchange, workplace, rooms, correlationId: message.correlationId },
    deps,
    claimed,
  );
}

/**
 * The booking as Exchange holds it: the organizer room's event, or for an Outlook meeting the first
 * room copy still there. One room's copy gone (that room left the meeting; its own notification
 * releases it) does not make the meeting gone while another room still holds it.
 */
async function readMeeting(
  linked: LinkRecord,
  deps: SyncDeps,
  rooms: RoomDirectory,
): Promise<Sides['exchange']> {
  const host = linked.copies.find((c) => c.room === linked.organizerRoom);
  const candidates = host ? [host] : linked.copies;
  for (const copy of candidates) {
    const found = await readEvent(copy.room, copy.eventId, deps, rooms);
    if (found) return found;
  }
  return undefined;
}

/** The meeting with this iCalUId as the first of `rooms` that holds it shows it. */
async function findMeeting(
  iCalUId: string,
  candidates: string[],
  deps: SyncDeps,
  rooms: RoomDirectory,
): Promise<Sides['exchange']> {
  for (const room of candidates) {
    const found = await deps.graph.findByICalUId(room, iCalUId);
    if (!found) continue;
    // Read whole, as every copy the sync compares is (a series' exceptions expanded).
    const exchange = await readEvent(room, found.id, deps, rooms);
    if (exchange) return exchange;
  }
  return undefined;
}

/**
 * The rooms of a booking that never showed a copy of it, looked up by the meeting's iCalUId: a room that
 * holds it after all is synced as if it had notified; one that does not (it declined the invitation, or
 * the copy is gone) has its line declined in Workplace, like a room that drops the meeting later.
 */
export async function checkRooms(
  message: Extract<SyncMessage, { kind: 'roomCheck' }>,
  deps: SyncDeps,
): Promise<SyncOutcome> {
  const rooms = await roomDirectory(deps.store);
  const first = await deps.store.links.get(message.linkId);
  const iCalUId = first?.value.iCalUId;
  if (!first || !iCalUId) return { rule: 'roomCheck:gone', writes: 0 };
  const workplace = await readReservation(first.value.reservationId, deps, rooms);
  // Only rooms the meeting invites in Exchange can have declined it: a room just added in Workplace
  // and not yet written to Exchange has no copy for another reason.
  const hostCopy =
    first.value.copies.find((c) => c.room === first.value.organizerRoom) ?? first.value.copies[0];
  const host = hostCopy ? await readEvent(hostCopy.room, hostCopy.eventId, deps, rooms) : undefined;
  const inExchange = new Set(host?.booking.rooms ?? []);
  const invited = (workplace?.booking.rooms ?? []).filter(
    (room) =>
      inExchange.has(room) &&
      !first.value.copies.some((c) => c.room === room) &&
      !(first.value.releasedRooms ?? []).includes(room),
  );
  let writes = 0;
  for (const room of invited) {
    const found = await deps.graph.findByICalUId(room, iCalUId);
    if (found && found.isCancelled !== true && !isDeclined(found)) {
      const outcome = await syncGraphChange(
        exchangeItemMessage(room, found.id, message.correlationId, 'roomCheck'),
        deps,
      );
      writes += outcome.writes;
      continue;
    }
    const link = await deps.store.links.get(message.linkId);
    if (!link) break;
    const outcome = await releaseRoom(
      room,
      link,
      await readReservation(link.value.reservationId, deps, rooms),
      rooms,
      deps,
      `The room ${room} declined the meeting in Exchange (it holds no copy of it).`,
    );
    writes += outcome.writes;
  }
  return { rule: 'roomCheck', writes };
}

/** A Workplace version the link already wrote or read: its webhook is an echo. */
function alreadySeen(link: Versioned<LinkRecord> | undefined, version: number | undefined): boolean {
  const seen = link?.value.workplaceVersion ?? null;
  return version !== undefined && seen !== null && version <= seen;
}

type ClaimKey = ['iCalUId' | 'reservation', string];

/**
 * The link of a booking seen without one, by its keys in order: an existing link is used; a key claimed
 * by a worker still making its link means wait (LinkInProgress); otherwise the keys are claimed for the
 * candidate link, and a lost claim means another worker got there first.
 */
async function resolveLink(
  keys: ClaimKey[],
  candidate: string,
  deps: SyncDeps,
): Promise<Versioned<LinkRecord> | undefined> {
  for (const [kind, key] of keys) {
    const found = await deps.store.links.lookup(kind, key);
    if (found.state === 'linked') return found.link;
    if (found.state === 'pending') {
      // A claim whose worker died long ago is taken over; a fresh one is waited for.
      if ((await deps.store.links.claim(kind, key, candidate, deps.now())) !== candidate)
        throw new LinkInProgress(key);
    }
  }
  for (const [kind, key] of keys) {
    const winner = await deps.store.links.claim(kind, key, candidate, deps.now());
    if (winner !== candidate) {
      const link = await deps.store.links.get(winner);
      if (!link) throw new LinkInProgress(key);
      return link;
    }
  }
  return undefined;
}
