import { reservationIdOf } from '../graph/event';
import type { SyncMessage } from '../queue/messages';
import type { LinkRecord, Versioned } from '../store';
import type { SyncedRooms } from './booking-of';
import { LinkInProgress, resolveLink } from './claims';
import { newLink, recordCopy } from './link-record';
import type { SyncDeps } from './ports';
import { releaseRoom } from './room-release';
import { settle, type SyncOutcome } from './settle';
import { exchangeSide, readEvent, readReservation, syncedRooms, type ExchangeSide } from './sides';
import { hostRoomFor } from './execute/exchange-checks';
import {
  adoptMovedEvent,
  eventClaimKeys,
  movedHere,
  isStrayEvent,
  recordForUnlinkedEvent,
  roomLeaves,
  triageCopy,
  triageNotification,
  withRoomBack,
  type ClaimKey,
} from './triage';
import type { GraphEvent } from '../graph/event';

/**
 * One change of a room's event (a notification, or an item a backfill or sweep listed), carried
 * through: triage, read both sides and the link, decide, execute, save the link. Safe to run again for
 * the same message (every write is idempotent or guarded by a version), which is what the queue's
 * at-least-once delivery asks for.
 */

type GraphChange = Extract<SyncMessage, { kind: 'graphChange' }>;

function echo(link: Versioned<LinkRecord> | undefined): SyncOutcome {
  const causedBy = link?.value.writtenBy;
  return { rule: 'echo', writes: 0, skipped: 'echo', ...(causedBy ? { causedBy } : {}) };
}

/**
 * What a caller that listed the room's calendar already holds (a backfill): the event as listed, so it is
 * not read again, and the registered rooms it read.
 */
export interface ListedEvent {
  event: GraphEvent;
  rooms: SyncedRooms;
}

export async function syncGraphChange(
  message: GraphChange,
  deps: SyncDeps,
  listed?: ListedEvent,
): Promise<SyncOutcome> {
  const known = await deps.store.links.byEvent(message.room, message.eventId);
  const copy = known?.value.copies.find((c) => c.room === message.room && c.eventId === message.eventId);
  const first = triageNotification(message, known, copy);
  if (first === 'echo') return echo(known);
  if (first === 'unlinkedDeleted') return { rule: 'unlinkedDeleted', writes: 0 };
  const rooms = listed?.rooms ?? (await syncedRooms(deps));
  if (!rooms.emails.has(message.room)) return { rule: 'notSynced', writes: 0, skipped: 'notSynced' };
  const exchange =
    listed?.event.id === message.eventId
      ? exchangeSide(message.room, listed.event, rooms)
      : await readEvent(message.room, message.eventId, deps, rooms);
  const record = known?.value ?? newLink('exchange');
  const verdict = triageCopy({ room: message.room, known, copy, record, exchange, rooms });
  if (verdict.kind === 'staleCopy') return { rule: 'staleCopy', writes: 0 };
  if (verdict.kind === 'guestCopy' && exchange)
    return syncGuestCopy(message, known, exchange, verdict.host, rooms, deps);
  return syncOwnCopy(message, known, record, exchange, rooms, deps);
}

/**
 * A guest room's copy of a meeting another registered room organizes (a Workplace booking with several
 * rooms): the host's event is the booking; this copy only says the room holds it.
 */
async function syncGuestCopy(
  message: GraphChange,
  known: Versioned<LinkRecord> | undefined,
  guest: ExchangeSide,
  host: string,
  rooms: SyncedRooms,
  deps: SyncDeps,
): Promise<SyncOutcome> {
  let link = known;
  const iCalUId = guest.event.iCalUId;
  if (!link && iCalUId) {
    const found = await deps.store.links.lookup('iCalUId', iCalUId);
    link = found.state === 'linked' ? found.link : undefined;
  }
  // The host's worker has not linked the meeting yet: come back when it has.
  if (!link) throw new LinkInProgress(iCalUId ?? message.eventId);
  const hostCopy = link.value.copies.find((c) => c.room === host);
  const record = {
    ...link.value,
    copies: recordCopy(link.value.copies, message.room, guest.event, message.changeKey),
  };
  const exchange = hostCopy ? await readEvent(host, hostCopy.eventId, deps, rooms) : undefined;
  const workplace = await readReservation(record.reservationId, deps, rooms);
  return settle(link, { record, exchange, workplace, rooms, correlationId: message.correlationId }, deps);
}

/** The room's copy is the booking as this room holds it (or it is gone). */
async function syncOwnCopy(
  message: GraphChange,
  known: Versioned<LinkRecord> | undefined,
  candidate: LinkRecord,
  exchange: ExchangeSide | undefined,
  rooms: SyncedRooms,
  deps: SyncDeps,
): Promise<SyncOutcome> {
  let link = known;
  let record = candidate;
  let claimed: ClaimKey[] = [];
  if (!link && exchange) {
    const reservationId = reservationIdOf(exchange.event);
    const keys = eventClaimKeys(reservationId, exchange.event.iCalUId);
    link = await resolveLink(keys, record.id, deps);
    if (!link) claimed = keys;
    if (
      link &&
      isStrayEvent({
        link: link.value,
        reservationId,
        room: message.room,
        eventId: message.eventId,
        event: exchange.event,
      })
    ) {
      const reservation = await readReservation(link.value.reservationId ?? reservationId, deps, rooms);
      const host = reservation && hostRoomFor(reservation.booking, reservation.reservation, rooms);
      if (!movedHere(link.value, message.room, host)) {
        await deps.exchange.deleteEvent(message.room, message.eventId);
        deps.effects.touched(message.room);
        if (claimed.length > 0) await deps.store.links.releaseClaims(record.id, claimed);
        return { rule: 'strayEvent', writes: 1 };
      }
      deps.logger.info('The booking’s event moved here and its link was not saved; adopted', {
        room: message.room,
        eventId: message.eventId,
        linkId: link.value.id,
      });
      const adopted = adoptMovedEvent(link.value, exchange);
      return settle(
        link,
        { record: adopted, exchange, workplace: reservation, rooms, correlationId: message.correlationId },
        deps,
      );
    }
    record = recordForUnlinkedEvent(link, record, reservationId, message.room);
  }
  record = withRoomBack(record, message.room, exchange);
  const reservationId = record.reservationId ?? (exchange ? reservationIdOf(exchange.event) : undefined);
  const workplace = await readReservation(reservationId, deps, rooms);
  if (roomLeaves(link, message.room, exchange))
    return releaseRoom(message.room, link, workplace, rooms, deps);
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
