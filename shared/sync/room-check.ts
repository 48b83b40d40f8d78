import type { SyncMessage } from '../queue/messages';
import { holdsBooking } from './booking-of';
import { syncGraphChange } from './exchange-change';
import type { SyncDeps } from './ports';
import { exchangeItemMessage } from './queue-items';
import { releaseRoom } from './room-release';
import type { SyncOutcome } from './settle';
import { readEvent, readReservation, syncedRooms } from './sides';

/**
 * The rooms of a booking that never showed a copy of it, looked up by the meeting's iCalUId: a room that
 * holds it after all is synced as if it had notified; one that does not (it declined the invitation, or
 * the copy is gone) has its line declined in Workplace, like a room that drops the meeting later.
 */
export async function checkRooms(
  message: Extract<SyncMessage, { kind: 'roomCheck' }>,
  deps: SyncDeps,
): Promise<SyncOutcome> {
  const rooms = await syncedRooms(deps);
  const first = await deps.store.links.get(message.linkId);
  const iCalUId = first?.value.iCalUId;
  if (!first || !iCalUId) return { rule: 'roomCheckGone', writes: 0 };
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
    const found = await deps.exchange.findByICalUId(room, iCalUId);
    deps.effects.sawCopy(room, found, false);
    if (found && holdsBooking(found)) {
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
