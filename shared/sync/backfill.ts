import type { SyncMessage } from '../queue/messages';
import type { SyncDeps } from './context';
import { roomDirectory, syncWindow } from './context';
import { queueExchangeItems, reservationMessage } from './queue-items';

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
  const { start: from, end: to } = syncWindow(deps);
  let count = await queueExchangeItems(
    await deps.graph.calendarView(room, from, to),
    room,
    correlationId,
    'backfill',
    enqueue,
  );
  for await (const reservation of deps.workplace.listReservations({ roomId, from, to })) {
    await enqueue(reservationMessage(reservation, correlationId));
    count += 1;
  }
  return count;
}
