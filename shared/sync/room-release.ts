import { fingerprint } from '../model';
import type { LinkRecord, Versioned } from '../store';
import type { Reservation } from '../workplace';
import { workplaceBooking, type SyncedRooms } from './booking-of';
import { LinkInProgress } from './claims';
import { leaseEnd, leased } from './link-record';
import type { SyncDeps } from './ports';
import type { SyncOutcome } from './settle';
import type { WorkplaceSide } from './sides';

/**
 * A room leaves a multi-room booking in Exchange (its copy deleted there, or the room declined): its line
 * is declined in Workplace and it stays out of the booking (`releasedRooms`), which goes on for the
 * other rooms.
 */
export async function releaseRoom(
  room: string,
  link: Versioned<LinkRecord>,
  workplace: WorkplaceSide | undefined,
  rooms: SyncedRooms,
  deps: SyncDeps,
  reason = `The room ${room} no longer holds the meeting in Exchange.`,
): Promise<SyncOutcome> {
  if (leased(link.value, deps.clock.now())) throw new LinkInProgress(`link ${link.value.id}`);
  const links = deps.store.links;
  const roomId = rooms.workplaceRoomId(room);
  const line = workplace?.reservation.lines.find((l) => l.roomId === roomId);
  let next: LinkRecord = {
    ...link.value,
    copies: link.value.copies.filter((c) => c.room !== room),
    // A room Workplace already took off the booking (its copy went because of that) is not held out.
    releasedRooms: line
      ? [...new Set([...(link.value.releasedRooms ?? []), room])]
      : link.value.releasedRooms,
    updatedAt: deps.clock.now().toISOString(),
  };
  if (!workplace || !roomId || !line || line.status === 'declined') {
    await links.save(next, link.etag);
    return { rule: 'roomReleased', writes: 0 };
  }
  // The link says what is about to be true before the decline is sent: the webhook of the decline can
  // overtake this worker, and must find a link that already expects it (one room fewer on both sides).
  const remaining: Reservation = {
    ...workplace.reservation,
    lines: workplace.reservation.lines.filter((l) => l.roomId !== roomId),
  };
  const expected = fingerprint(workplaceBooking(remaining, rooms));
  // It holds the lease too: a worker reading the reservation before the decline lands must not take
  // the still-confirmed line for a change against this link.
  next = { ...next, exchangeFingerprint: expected, workplaceFingerprint: expected };
  const etag = await links.save(
    { ...next, writingUntil: leaseEnd(deps.clock.now()).toISOString() },
    link.etag,
  );
  let declined: Reservation;
  try {
    declined = await deps.workplace.declineLine(workplace.reservation.id, roomId, reason);
    deps.effects.declinedLine(roomId, declined);
  } catch (err) {
    // The link as it was, so the retry of this change finds the room's copy to release again.
    await links.endLease(link.value, etag);
    throw err;
  }
  await links.save(
    {
      ...next,
      workplaceVersion: declined.version,
      workplaceFingerprint: fingerprint(workplaceBooking(declined, rooms)),
      writingUntil: null,
    },
    etag,
  );
  return { rule: 'roomReleased', writes: 1 };
}
