import type { SyncMessage } from '../queue/messages';
import type { LinkRecord, Versioned } from '../store';
import { resolveLink } from './claims';
import { newLink } from './link-record';
import type { SyncDeps } from './ports';
import { settle, type SyncOutcome } from './settle';
import { findMeeting, readMeeting, readReservation, syncedRooms } from './sides';
import {
  isWorkplaceEcho,
  recordForUnlinkedReservation,
  reservationClaimKeys,
  reservationNotSynced,
  type ClaimKey,
} from './triage';

/** One change of a reservation (a webhook, or an item a backfill or sweep listed), carried through. */

type WorkplaceChange = Extract<SyncMessage, { kind: 'workplaceChange' }>;

function echo(link: Versioned<LinkRecord> | undefined): SyncOutcome {
  const causedBy = link?.value.writtenBy;
  return { rule: 'echo', writes: 0, skipped: 'echo', ...(causedBy ? { causedBy } : {}) };
}

export async function syncWorkplaceChange(message: WorkplaceChange, deps: SyncDeps): Promise<SyncOutcome> {
  let link = await deps.store.links.byReservation(message.reservationId);
  if (isWorkplaceEcho(link, message.version)) return echo(link);
  const rooms = await syncedRooms(deps);
  const workplace = await readReservation(message.reservationId, deps, rooms);
  let record = link?.value ?? newLink('workplace', message.reservationId);
  let claimed: ClaimKey[] = [];
  if (!link) {
    if (reservationNotSynced(workplace)) return { rule: 'notSynced', writes: 0, skipped: 'notSynced' };
    const keys = reservationClaimKeys(message.reservationId, workplace);
    link = await resolveLink(keys, record.id, deps);
    if (!link) claimed = keys;
    record = recordForUnlinkedReservation(link, record, workplace);
    if (isWorkplaceEcho(link, workplace?.reservation.version)) return echo(link);
  }
  const meeting = workplace?.reservation.externalRef
    ? { iCalUId: workplace.reservation.externalRef, rooms: workplace.booking.rooms }
    : undefined;
  const exchange = link
    ? await readMeeting(link.value, deps, rooms)
    : record.origin === 'exchange' && meeting
      ? await findMeeting(meeting.iCalUId, meeting.rooms, deps, rooms)
      : undefined;
  return settle(
    link,
    { record, exchange, workplace, rooms, correlationId: message.correlationId },
    deps,
    claimed,
  );
}
