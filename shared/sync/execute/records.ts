import type { GraphEvent } from '../../graph/event';
import type { UnsupportedRecurrence } from '../../model';
import type { ConflictReason } from '../plan';
import type { Execution } from './context';

/**
 * What the executor records besides the link: conflicts an administrator can act on, and why a booking
 * is not written to a side (the link's `notSynced` and a conflict record, until a later version can be).
 */

export async function recordConflict(ex: Execution, reason: ConflictReason, room: string): Promise<void> {
  const { record, sides, deps } = ex;
  await deps.store.conflicts.add({
    room,
    at: deps.clock.now().toISOString(),
    reason,
    linkId: record.id,
    reservationId: record.reservationId,
    eventId: sides.exchange?.event.id ?? null,
    summary:
      reason === 'bothChanged'
        ? `Changed on both sides; the ${record.origin === 'exchange' ? 'Exchange' : 'Workplace'} version was kept`
        : 'Workplace changed a booking made in Outlook; Exchange’s version was restored',
  });
}

/** A pattern Exchange cannot express: not written, and why is kept on the link and in the room's status. */
export async function recordNotExpressible(
  ex: Execution,
  room: string,
  reservationId: string,
  refusal: UnsupportedRecurrence,
): Promise<void> {
  const { deps } = ex;
  ex.log.warn('A pattern Exchange cannot express; the booking is not synced', { room, part: refusal.part });
  ex.record = { ...ex.record, notSynced: { reason: 'unsupportedRecurrence', detail: refusal.message } };
  await deps.store.conflicts.add({
    room,
    at: deps.clock.now().toISOString(),
    reason: 'unsupportedRecurrence',
    linkId: ex.record.id,
    reservationId: reservationId || null,
    eventId: ex.sides.exchange?.event.id ?? null,
    summary: `The reservation repeats in a way Exchange cannot express (${refusal.message}); it is not synced`,
  });
}

/** A booking that can be written again: what said it could not goes. */
export async function clearNotExpressible(ex: Execution, room: string, reservationId: string): Promise<void> {
  if (!ex.record.notSynced || !reservationId) return;
  await ex.deps.store.conflicts.remove(room, 'unsupportedRecurrence', reservationId);
  ex.record = { ...ex.record, notSynced: null };
}

/**
 * The room is already booked in Exchange at that time: the reservation is not written there, the room's
 * line is declined in Workplace, and the conflict is recorded.
 */
export async function recordRoomTaken(
  ex: Execution,
  room: string,
  reservationId: string,
  busy: GraphEvent,
): Promise<void> {
  const { deps, sides } = ex;
  ex.log.warn('The room is taken at that time; not written to Exchange', {
    room,
    busyEventId: busy.id,
    busyICalUId: busy.iCalUId,
  });
  await deps.store.conflicts.add({
    room,
    at: deps.clock.now().toISOString(),
    reason: 'roomTaken',
    linkId: ex.record.id,
    reservationId,
    eventId: busy.id,
    summary:
      'The room is already booked in Exchange at that time; the reservation was not written to Exchange',
  });
  const roomId = sides.rooms.workplaceRoomId(room);
  if (!roomId) return;
  const declined = await deps.workplace.declineLine(
    reservationId,
    roomId,
    'The room is already booked in Exchange at that time.',
  );
  deps.effects.declinedLine(roomId, declined);
}
