import { isRemoved, seriesMasterOf, type GraphEvent } from '../graph/event';
import { graphChangeMessage, workplaceChangeMessage, type SyncMessage } from '../queue/messages';
import type { Reservation } from '../workplace';

/**
 * The ordinary sync messages a full or partial comparison of a room (backfill, reconcile sweep) turns
 * what it listed into, so each item is then decided on its own like any notification or webhook.
 */

type Enqueue = (message: SyncMessage) => Promise<void>;

/** A room's Exchange item to decide again: `source` names what found it (backfill, reconcile). */
export function exchangeItemMessage(
  room: string,
  eventId: string,
  correlationId: string,
  source: string,
  changeType: 'updated' | 'deleted' = 'updated',
  changeKey?: string,
): Extract<SyncMessage, { kind: 'graphChange' }> {
  return graphChangeMessage({ correlationId, room, eventId, source, changeType, changeKey });
}

/**
 * Queues each listed Exchange item once: occurrences of one series are decided together, through their
 * master. `seen` collects the ids queued (and may hold ids already queued); returns how many were added.
 */
export async function queueExchangeItems(
  items: GraphEvent[],
  room: string,
  correlationId: string,
  source: string,
  enqueue: Enqueue,
  seen: Set<string> = new Set(),
): Promise<number> {
  const before = seen.size;
  for (const item of items) {
    const master = seriesMasterOf(item);
    const id = master ?? item.id;
    if (seen.has(id)) continue;
    seen.add(id);
    // A single item's changeKey as listed: one the link already read or wrote makes the message an echo,
    // decided without reading the event again (an occurrence's changeKey is not its series master's).
    const changeKey = master === null ? (item.changeKey ?? undefined) : undefined;
    await enqueue(
      exchangeItemMessage(
        room,
        id,
        correlationId,
        source,
        isRemoved(item) ? 'deleted' : 'updated',
        changeKey,
      ),
    );
  }
  return seen.size - before;
}

/** A reservation to decide again. */
export function reservationMessage(reservation: Reservation, correlationId: string): SyncMessage {
  return workplaceChangeMessage({
    correlationId,
    reservationId: reservation.id,
    type: reservation.cancelled ? 'reservation.cancelled' : 'reservation.updated',
  });
}
