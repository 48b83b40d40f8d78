import { Stale, Throttled } from '../errors';
import { roomCheckMessage, type SyncMessage } from '../queue/messages';
import { watchSync, type SyncProbe } from '../status/probe';
import { telemetryMetrics, type Direction } from '../telemetry/metrics';
import { backfillRoom } from './backfill';
import { LinkInProgress } from './claims';
import { syncGraphChange } from './exchange-change';
import type { SyncDeps } from './ports';
import { reconcileRoom } from './reconcile';
import { checkRooms } from './room-check';
import type { SyncOutcome } from './settle';
import { syncWorkplaceChange } from './workplace-change';
import { ensureError } from '../errors';

/**
 * What the sync queue's worker does with one message, whatever hosts it: the queue-triggered function in
 * Azure and on the local host, and the reliability fuzzer's own scheduler (test/reliability), so the
 * fuzzer exercises exactly the code that runs in production.
 */

export interface WorkerEnv {
  deps: SyncDeps;
  roomCheckDelaySeconds: number;
  /** Waits before a re-read; the fuzzer's clock does not wait for real. */
  sleep(ms: number): Promise<void>;
  random(): number;
  /**
   * When the queue took the message (the trigger's `insertionTime`), if the host passes it on: the start
   * of the room status's lag for changes that carry no time of their own.
   */
  insertedAt?: Date;
}

/** How often a change waits for another worker's link before it fails like any other error. */
export const MAX_WAITS = 8;
/** How often a change is read and applied again at once after losing a race (design §4: re-read). */
export const MAX_RERUNS = 3;

/** Another writer got there between this worker's read and its write: reading again settles it. */
function lostRace(err: unknown): boolean {
  return err instanceof Stale;
}

async function runOnce(message: SyncMessage, env: WorkerEnv): Promise<void> {
  const { deps } = env;
  const log = deps.logger;
  switch (message.kind) {
    case 'graphChange': {
      await syncedExchangeChange(message, await syncGraphChange(message, deps), env);
      return;
    }
    case 'workplaceChange': {
      const outcome = await syncWorkplaceChange(message, deps);
      log.info('Synced a Workplace change', { reservationId: message.reservationId, ...outcome });
      measure(message, outcome, 'workplaceToExchange', env);
      await scheduleRoomCheck(message, outcome, env);
      return;
    }
    case 'reconcile': {
      const outcome = await reconcileRoom(message.room, message.correlationId, deps);
      await deps.store.rooms.recordSync(
        message.room,
        deps.clock.now(),
        outcome.withheldRemovals
          ? `The sweep found ${String(outcome.withheldRemovals)} bookings removed at once in Exchange and did not apply it (a revoked permission looks the same). If they are really gone: POST /api/rooms/${message.room}/resync?confirmRemovals=true`
          : null,
      );
      log.info('Reconciled a room', { room: message.room, ...outcome });
      return;
    }
    case 'roomCheck': {
      const outcome = await checkRooms(message, deps);
      log.info('Checked the rooms of a booking', { linkId: message.linkId, ...outcome });
      return;
    }
    case 'backfill': {
      const outcome = await backfillRoom(message.room, message.correlationId, deps, (item, synced) =>
        syncedExchangeChange(item, synced, env),
      );
      await deps.store.rooms.recordSync(message.room, deps.clock.now(), null);
      log.info('Backfilled a room', { room: message.room, ...outcome });
      return;
    }
  }
}

/** What follows an Exchange change's sync, wherever it was decided (its own message, a backfill). */
async function syncedExchangeChange(
  message: Extract<SyncMessage, { kind: 'graphChange' }>,
  outcome: SyncOutcome,
  env: WorkerEnv,
): Promise<void> {
  env.deps.logger.info('Synced an Exchange change', {
    room: message.room,
    eventId: message.eventId,
    ...outcome,
  });
  measure(message, outcome, 'exchangeToWorkplace', env);
  await scheduleRoomCheck(message, outcome, env);
}

/**
 * Metrics of a change: how it was handled, and for one that wrote, how long it took from the queue
 * (the HTTP function's enqueue) to the other side (a put-back's wait counts, as the user waits too).
 */
function measure(message: SyncMessage, outcome: SyncOutcome, direction: Direction, env: WorkerEnv): void {
  telemetryMetrics.handled({
    kind: message.kind,
    rule: outcome.skipped ?? (outcome.writes > 0 ? 'wrote' : 'none'),
  });
  if (outcome.writes > 0 && env.insertedAt)
    telemetryMetrics.synced(direction, env.deps.clock.now().getTime() - env.insertedAt.getTime());
}

/** After a write naming rooms whose copies were not seen yet: look at those rooms again in a while. */
async function scheduleRoomCheck(message: SyncMessage, outcome: SyncOutcome, env: WorkerEnv): Promise<void> {
  if (!outcome.checkRoomsOf) return;
  await env.deps.queue.enqueue(roomCheckMessage(message.correlationId, outcome.checkRoomsOf), {
    visibilityTimeoutSeconds: env.roomCheckDelaySeconds,
  });
}

/** Runs the change, and again from a fresh read each time it loses a race, a few times. */
async function runWithRereads(message: SyncMessage, env: WorkerEnv): Promise<void> {
  for (let rerun = 0; ; rerun += 1) {
    try {
      await runOnce(message, env);
      return;
    } catch (err) {
      if (!lostRace(err) || rerun >= MAX_RERUNS) throw err;
      env.deps.logger.info('Lost a race with another writer; reading again', {
        rerun: rerun + 1,
        error: ensureError(err).name,
      });
      await env.sleep(20 + env.random() * 80 * (rerun + 1));
    }
  }
}

/**
 * Handles one sync message. Returns normally when the message is done (or was put back to wait); throws
 * when it failed, so the queue delivers it again and, after the last try, moves it to the poison queue.
 */
export async function processSyncMessage(message: SyncMessage, env: WorkerEnv): Promise<void> {
  const { deps } = env;
  const log = deps.logger;
  const requeue = (again: SyncMessage, delayMs: number): Promise<void> =>
    deps.queue.enqueue(again, { visibilityTimeoutSeconds: Math.ceil(delayMs / 1000) });
  // The rooms' status (GET /api/status) is read off the calls the message makes, and written once at the end.
  const probe = watchSync(message, deps, env.insertedAt);
  try {
    await runWithRereads(message, { ...env, deps: probe.deps });
  } catch (err) {
    const waits = message.waits ?? 0;
    if (err instanceof LinkInProgress && waits < MAX_WAITS) {
      log.info('Another worker is linking this meeting; trying again shortly', { waits: waits + 1 });
      await requeue({ ...message, waits: waits + 1 }, Math.min(1000 * 2 ** waits, 30_000));
      return;
    }
    // Long throttling: come back after it rather than hold this worker (design §5).
    if (err instanceof Throttled && err.retryAfterMs !== undefined) {
      const delay = err.retryAfterMs;
      log.warn('Throttled; the change comes back later', { delayMs: delay });
      await requeue(message, delay);
      return;
    }
    // The room's status shows the last failure; the message is retried, then poisoned.
    if (message.kind === 'graphChange' || message.kind === 'backfill' || message.kind === 'reconcile') {
      await deps.store.rooms.recordSync(message.room, deps.clock.now(), ensureError(err).message);
    }
    await recordStatus(probe, deps, err);
    throw err;
  }
  await recordStatus(probe, deps);
}

/**
 * One write of the rooms' status per message. Never fails the message: a status that could not be
 * written is logged, and the next message about the room writes it again.
 */
async function recordStatus(probe: SyncProbe, deps: WorkerEnv['deps'], error?: unknown): Promise<void> {
  try {
    const outcomes = await probe.outcomes(error);
    if (outcomes.length > 0) await deps.store.roomStatus.record(outcomes);
  } catch (err) {
    deps.logger.warn("Could not record the rooms' sync status", {
      error: ensureError(err).name,
    });
  }
}
