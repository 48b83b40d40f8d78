import { isRemoved, kindOf, organizerOf, type GraphEvent } from '../graph/event';
import type { SyncMessage } from '../queue/messages';
import { syncGraphChange } from './exchange-change';
import type { SyncDeps } from './ports';
import { exchangeItemMessage, queueExchangeItems, reservationMessage } from './queue-items';
import type { SyncOutcome } from './settle';
import { syncedRooms } from './sides';
import { syncWindow } from './window';
import { ensureError } from '../errors';

/** How many of a room's listed events are synced at once (Graph allows 4 requests in flight per mailbox). */
export const BACKFILL_CONCURRENCY = 4;

export interface BackfillOutcome {
  /** Events decided here, from the listing. */
  synced: number;
  /** Items queued to be decided on their own: reservations, series, events read again, failures. */
  queued: number;
}

type GraphChange = Extract<SyncMessage, { kind: 'graphChange' }>;

/**
 * A room's full comparison. The room's calendar is listed once; a single meeting a person organised is
 * decided right here from the listing (the listing holds all of it, so reading each event again would
 * only spend a Graph request and a queue message per event), a few at a time. Everything else becomes a
 * message decided on its own, as a notification or webhook would be: each reservation of the room,
 * each series (through its master: occurrences come apart in a listing), each event the room organises
 * (roomsync's own carry the reservation id in an extended property, which a listing does not bring), and
 * each listed event whose sync failed here, so its retries, waits and poisoning are the queue's.
 */
export async function backfillRoom(
  room: string,
  correlationId: string,
  deps: SyncDeps,
  onSynced: (message: GraphChange, outcome: SyncOutcome) => Promise<void> = () => Promise.resolve(),
): Promise<BackfillOutcome> {
  const rooms = await syncedRooms(deps);
  const enqueue = (message: SyncMessage): Promise<void> => deps.queue.enqueue(message);
  const roomId = rooms.workplaceRoomId(room);
  if (!roomId) return { synced: 0, queued: 0 };
  const { start: from, end: to } = syncWindow(deps);
  // Reservations first: the ones this backfill is about to make are then not listed and queued back.
  let queued = 0;
  for await (const reservation of deps.workplace.listReservations({ roomId, from, to })) {
    await enqueue(reservationMessage(reservation, correlationId));
    queued += 1;
  }
  let synced = 0;
  // A page at a time, so a backfill holds one page of a calendar however large the calendar is.
  const seriesQueued = new Set<string>();
  for await (const items of deps.exchange.calendarViewPages(room, from, to)) {
    const inHand: GraphEvent[] = [];
    const onTheQueue: GraphEvent[] = [];
    for (const item of items) (decidableFromListing(item, room) ? inHand : onTheQueue).push(item);
    queued += await queueExchangeItems(onTheQueue, room, correlationId, 'backfill', enqueue, seriesQueued);
    await eachAtMost(BACKFILL_CONCURRENCY, inHand, async (event) => {
      synced += (await syncListed(event)) ? 1 : 0;
    });
  }
  return { synced, queued };

  /** Syncs a listed event; false when it failed and went on the queue instead. */
  async function syncListed(event: GraphEvent): Promise<boolean> {
    const message = exchangeItemMessage(
      room,
      event.id,
      correlationId,
      'backfill',
      'updated',
      event.changeKey ?? undefined,
    );
    try {
      await onSynced(message, await syncGraphChange(message, deps, { event, rooms }));
      return true;
    } catch (err) {
      deps.logger.info('A backfilled event goes on the queue to be synced on its own', {
        room,
        eventId: event.id,
        error: ensureError(err).name,
      });
      await enqueue(message);
      queued += 1;
      return false;
    }
  }
}

/** A single meeting someone other than the room organised: the listing says all the sync needs. */
function decidableFromListing(item: GraphEvent, room: string): boolean {
  if (isRemoved(item)) return false;
  const organizer = organizerOf(item);
  return kindOf(item) === 'singleInstance' && organizer !== null && organizer !== room.toLowerCase();
}

async function eachAtMost<T>(limit: number, items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
