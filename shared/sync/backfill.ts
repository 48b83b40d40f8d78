import type { SyncMessage } from '../queue/messages';
import type { SyncDeps } from './context';
import { roomDirectory } from './context';

/**
 * A room's full comparison, as many small messages: one per Exchange item in the sync horizon and one
 * per Workplace reservation of the room, so each is decided on its own and the queue spreads the work.
 */
export async function backfillRoom(
  room: string,
  correlationId: string,
  deps: SyncDeps,
  enqueue: (message: SyncMessage) => Promise<void>,
): Promise<number> {
  const rooms = await roomDirectory(deps.store);
  const roomId = rooms.workplaceRoomId(room);
  if (!roomId) return 0;
  // From yesterday to the horizon (design §5).
  const from = new Date(deps.now().getTime() - 86_400_000);
  const to = new Date(deps.now().getTime() + deps.horizonDays * 86_400_000);
  let count = 0;
  const seen = new Set<string>();
  for (const item of await deps.graph.calendarView(room, from, to)) {
    // Occurrences of one series are decided together, through their master.
    const id = typeof item.seriesMasterId === 'string' ? item.seriesMasterId : item.id;
    if (seen.has(id)) continue;
    seen.add(id);
    await enqueue({
      v: 1,
      correlationId,
      kind: 'graphChange',
      room,
      subscriptionId: 'backfill',
      eventId: id,
      changeType: 'updated',
    });
    count += 1;
  }
  for await (const reservation of deps.workplace.listReservations({ roomId, from, to })) {
    await enqueue({
      v: 1,
      correlationId,
      kind: 'workplaceChange',
      reservationId: reservation.id,
      type: 'reservation.updated',
    });
    count += 1;
  }
  return count;
}
