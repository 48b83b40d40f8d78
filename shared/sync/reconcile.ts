import { SyncStateExpired } from '../errors';
import { isRemoved, type GraphEvent } from '../graph/event';
import type { SyncMessage } from '../queue/messages';
import type { DeltaStateRecord } from '../store';
import type { SyncDeps } from './ports';
import { syncedRooms } from './sides';
import { syncWindow } from './window';
import { exchangeItemMessage, queueExchangeItems, reservationMessage } from './queue-items';

/**
 * A room's reconcile sweep (design §5: missed notifications are expected): what changed on either side
 * since the last sweep becomes ordinary sync messages, so a lost notification or webhook costs at most
 * one sweep period. Exchange through the room's calendarView delta (a first round lists everything in
 * the window; later rounds only changes); Workplace through `changedSince`. The worker that handles each
 * message reads the item again, so an `@removed` item is confirmed before anything is cancelled.
 */

/**
 * The next sweep asks Workplace for changes since the last one it listed, less this margin: a change
 * committed with a timestamp just before that one (clocks of a distributed service, ties within a
 * millisecond) is listed again rather than missed. Listing one again costs nothing (its version is an
 * echo).
 */
const CHANGED_SINCE_OVERLAP_MS = 120_000;

/**
 * Never mass-delete on a guess (design §5): a round that removes at least this many of the room's
 * bookings, and more than half of them, is withheld until an administrator confirms it (a revoked
 * permission or an emptied calendar looks exactly like everything cancelled).
 */
const MASS_REMOVAL_MIN = 5;

/** The delta window is re-based (a new first round) once this much of the horizon has passed. */
const REBASE_AFTER_MS = 7 * 86_400_000;

export interface SweepOutcome {
  /** Whether Exchange was listed whole (no token yet, window re-based, or the token expired). */
  firstRound: boolean;
  /** Removals not applied: too many at once, waiting for an administrator's confirmation. */
  withheldRemovals?: number;
  exchangeChanges: number;
  workplaceChanges: number;
}

export async function reconcileRoom(
  room: string,
  correlationId: string,
  deps: SyncDeps,
): Promise<SweepOutcome> {
  const enqueue = (message: SyncMessage): Promise<void> => deps.queue.enqueue(message);
  const rooms = await syncedRooms(deps);
  const roomId = rooms.workplaceRoomId(room);
  if (!roomId) return { firstRound: false, exchangeChanges: 0, workplaceChanges: 0 };
  const now = deps.clock.now();
  const state = await deps.store.deltaState.get(room);
  const wanted = syncWindow(deps);
  // No token yet, or most of the window's horizon used up: a new first round over today's window.
  const current =
    state && Date.parse(state.windowEnd) >= wanted.end.getTime() - REBASE_AFTER_MS ? state : undefined;
  let round: { items: GraphEvent[]; deltaLink: string };
  let window = current ? { start: new Date(current.windowStart), end: new Date(current.windowEnd) } : wanted;
  let firstRound = current === undefined;
  try {
    round = await deps.exchange.calendarViewDelta(room, current ? { deltaLink: current.deltaLink } : wanted);
  } catch (err) {
    if (!(err instanceof SyncStateExpired)) throw err;
    // The token expired: a new first round. Every item is compared again; links keep it from
    // duplicating anything.
    deps.logger.warn('Delta token expired; listing the room again', { room, correlationId });
    round = await deps.exchange.calendarViewDelta(room, wanted);
    window = wanted;
    firstRound = true;
  }

  const removed = round.items.filter(isRemoved).map((item) => item.id);
  const confirmed = state?.confirmRemovals === true;
  // The room's linked events matter only when something was removed (or removals were confirmed):
  // a quiet sweep does not list the links.
  const copies = removed.length > 0 || confirmed ? await deps.store.links.copiesInRoom(room) : [];
  const linked = new Set(copies.map((c) => c.eventId));
  const removedLinked = removed.filter((id) => linked.has(id)).length;
  const withhold = !confirmed && removedLinked >= MASS_REMOVAL_MIN && removedLinked * 2 > copies.length;
  if (withhold) {
    deps.logger.warn('Too many removals at once; withheld until confirmed', {
      room,
      correlationId,
      removed: removedLinked,
      bookings: copies.length,
    });
  }

  const seen = new Set<string>();
  await queueExchangeItems(
    withhold ? round.items.filter((item) => !isRemoved(item)) : round.items,
    room,
    correlationId,
    'reconcile',
    enqueue,
    seen,
  );

  // An occurrence's id is not its series': when occurrences vanish that no link knows (a whole series
  // deleted, say), each series the room's links know is read again to see whether it is still there.
  // After an administrator confirmed withheld removals, every booking the links know is read again.
  if (confirmed || (!withhold && removed.some((id) => !linked.has(id)))) {
    for (const copy of copies) {
      if (seen.has(copy.eventId)) continue;
      if (!confirmed && !(await deps.store.links.get(copy.linkId))?.value.isSeries) continue;
      seen.add(copy.eventId);
      await enqueue(exchangeItemMessage(room, copy.eventId, correlationId, 'reconcile'));
    }
  }

  let workplaceChanges = 0;
  let since = firstRound ? undefined : state?.workplaceSince;
  const query = since
    ? { roomId, changedSince: new Date(Date.parse(since) - CHANGED_SINCE_OVERLAP_MS) }
    : { roomId, from: window.start, to: window.end };
  for await (const reservation of deps.workplace.listReservations(query)) {
    await enqueue(reservationMessage(reservation, correlationId));
    workplaceChanges += 1;
    if (!since || reservation.updatedAt > since) since = reservation.updatedAt;
  }

  // Withheld removals are remembered (the token moves on) until an administrator confirms them.
  const withheld = confirmed ? 0 : (state?.withheldRemovals ?? 0) + (withhold ? removedLinked : 0);
  const next: DeltaStateRecord = {
    room,
    deltaLink: round.deltaLink,
    windowStart: window.start.toISOString(),
    windowEnd: window.end.toISOString(),
    // Only Workplace's own clock marks where the next sweep starts: ours may run ahead of it.
    ...(since ? { workplaceSince: since } : {}),
    ...(withheld > 0 ? { withheldRemovals: withheld } : {}),
    updatedAt: now.toISOString(),
  };
  await deps.store.deltaState.save(next);
  return {
    firstRound,
    exchangeChanges: seen.size,
    workplaceChanges,
    ...(withheld > 0 ? { withheldRemovals: withheld } : {}),
  };
}
