import { Stale, Throttled } from '../errors';
import { roomCheckMessage, type SyncMessage } from '../queue/messages';
import { roomOutcomes, type RunReport } from '../status/outcomes';
import { RunEffects } from './effects';
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

/** Runs the message once; returns how many writes to either side it made. */
async function runOnce(message: SyncMessage, env: WorkerEnv): Promise<number> {
  const { deps } = env;
  const log = deps.logger;
  switch (message.kind) {
    case 'graphChange': {
      const outcome = await syncGraphChange(message, deps);
      await syncedExchangeChange(message, outcome, env);
      return outcome.writes;
    }
    case 'workplaceChange': {
      const outcome = await syncWorkplaceChange(message, deps);
      log.info('Synced a Workplace change', { reservationId: message.reservationId, ...outcome });
      measure(message, outcome, 'workplaceToExchange', env);
      await scheduleRoomCheck(message, outcome, env);
      return outcome.writes;
    }
    case 'reconcile': {
      // Withheld removals stay in the room's sweep state, which the status page reads and explains.
      const outcome = await reconcileRoom(message.room, message.correlationId, deps);
      log.info('Reconciled a room', { room: message.room, ...outcome });
      return 0;
    }
    case 'roomCheck': {
      const outcome = await checkRooms(message, deps);
      log.info('Checked the rooms of a booking', { linkId: message.linkId, ...outcome });
      return outcome.writes;
    }
    case 'backfill': {
      let writes = 0;
      const outcome = await backfillRoom(message.room, message.correlationId, deps, (item, synced) => {
        writes += synced.writes;
        return syncedExchangeChange(item, synced, env);
      });
      log.info('Backfilled a room', { room: message.room, ...outcome });
      return writes;
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
async function runWithRereads(message: SyncMessage, env: WorkerEnv): Promise<number> {
  for (let rerun = 0; ; rerun += 1) {
    try {
      return await runOnce(message, env);
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
  // The run reports what it did to each room; the rooms' status (GET /api/status) is written from it
  // once, at the end.
  const effects = new RunEffects();
  const report = (writes: number, error?: unknown) => ({
    message,
    effects,
    writes,
    error,
    insertedAt: env.insertedAt,
  });
  let writes: number;
  try {
    writes = await runWithRereads(message, { ...env, deps: { ...deps, effects } });
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
    await recordStatus(report(0, err), deps);
    throw err;
  }
  await recordStatus(report(writes), deps);
}

/**
 * One write of the rooms' status per message. Never fails the message: a status that could not be
 * written is logged, and the next message about the room writes it again.
 */
async function recordStatus(
  run: Omit<RunReport, 'registered' | 'now'>,
  deps: WorkerEnv['deps'],
): Promise<void> {
  try {
    // The sync read the registered rooms for almost every message; read here only if it did not and a
    // Workplace room id needs its mailbox.
    const registered =
      run.effects.registeredRooms ??
      (run.effects.roomIds.size > 0 ? await deps.store.rooms.list() : undefined);
    const outcomes = roomOutcomes({ ...run, registered, now: deps.clock.now() });
    if (outcomes.length > 0) await deps.store.roomStatus.record(outcomes);
  } catch (err) {
    deps.logger.warn("Could not record the rooms' sync status", {
      error: ensureError(err).name,
    });
  }
}
