import { app, type InvocationContext, type StorageQueueFunctionOptions } from '@azure/functions';
import { GraphStale, GraphThrottled } from '../shared/graph';
import { QUEUES, parseSyncMessage, type SyncMessage } from '../shared/queue/messages';
import { getServices } from '../shared/runtime';
import { ConcurrentUpdate } from '../shared/store';
import { backfillRoom } from '../shared/sync/backfill';
import { reconcileRoom } from '../shared/sync/reconcile';
import type { SyncDeps } from '../shared/sync/context';
import {
  LinkInProgress,
  checkRooms,
  syncGraphChange,
  syncWorkplaceChange,
  type SyncOutcome,
} from '../shared/sync/run';
import type { Logger } from '../shared/telemetry/logger';
import { Stale, Throttled } from '../shared/workplace';

const services = getServices();

/** How often a change waits for another worker's link before it fails like any other error. */
const MAX_WAITS = 8;
/** How often a change is read and applied again at once after losing a race (design §4: re-read). */
const MAX_RERUNS = 3;

/** Another writer got there between this worker's read and its write: reading again settles it. */
function lostRace(err: unknown): boolean {
  return err instanceof ConcurrentUpdate || err instanceof Stale || err instanceof GraphStale;
}

async function runOnce(message: SyncMessage, deps: SyncDeps, log: Logger): Promise<void> {
  switch (message.kind) {
    case 'graphChange': {
      const outcome = await syncGraphChange(message, deps);
      log.info('Synced an Exchange change', { room: message.room, eventId: message.eventId, ...outcome });
      await scheduleRoomCheck(message, outcome);
      return;
    }
    case 'workplaceChange': {
      const outcome = await syncWorkplaceChange(message, deps);
      log.info('Synced a Workplace change', { reservationId: message.reservationId, ...outcome });
      await scheduleRoomCheck(message, outcome);
      return;
    }
    case 'reconcile': {
      const outcome = await reconcileRoom(message.room, message.correlationId, deps, services.enqueueSync);
      await deps.store.rooms.recordSync(
        message.room,
        new Date(),
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
      const count = await backfillRoom(message.room, message.correlationId, deps, services.enqueueSync);
      await deps.store.rooms.recordSync(message.room, new Date(), null);
      log.info('Backfill queued', { room: message.room, items: count });
      return;
    }
  }
}

/** After a write naming rooms whose copies were not seen yet: look at those rooms again in a while. */
async function scheduleRoomCheck(message: SyncMessage, outcome: SyncOutcome): Promise<void> {
  if (!outcome.checkRoomsOf) return;
  await services.enqueueSync(
    { v: 1, correlationId: message.correlationId, kind: 'roomCheck', linkId: outcome.checkRoomsOf },
    { visibilityTimeoutSeconds: services.config.roomCheckDelaySeconds },
  );
}

/** Runs the change, and again from a fresh read each time it loses a race, a few times. */
async function runWithRereads(message: SyncMessage, deps: SyncDeps, log: Logger): Promise<void> {
  for (let rerun = 0; ; rerun += 1) {
    try {
      await runOnce(message, deps, log);
      return;
    } catch (err) {
      if (!lostRace(err) || rerun >= MAX_RERUNS) throw err;
      log.info('Lost a race with another writer; reading again', {
        rerun: rerun + 1,
        error: err instanceof Error ? err.name : 'unknown',
      });
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * (rerun + 1)));
    }
  }
}

export async function syncWorkerHandler(input: unknown, context: InvocationContext): Promise<void> {
  const message = parseSyncMessage(input);
  const log = services.logger.child({
    correlationId: message.correlationId,
    kind: message.kind,
    dequeueCount: context.triggerMetadata?.dequeueCount,
  });
  const deps: SyncDeps = {
    store: await services.ready(),
    graph: services.graph,
    workplace: services.workplace,
    logger: log,
    now: () => new Date(),
    horizonDays: services.config.syncHorizonDays,
  };
  const requeue = (again: SyncMessage, delayMs: number): Promise<void> =>
    services.enqueueSync(again, { visibilityTimeoutSeconds: Math.ceil(delayMs / 1000) });
  try {
    await runWithRereads(message, deps, log);
  } catch (err) {
    const waits = message.waits ?? 0;
    if (err instanceof LinkInProgress && waits < MAX_WAITS) {
      log.info('Another worker is linking this meeting; trying again shortly', { waits: waits + 1 });
      await requeue({ ...message, waits: waits + 1 }, Math.min(1000 * 2 ** waits, 30_000));
      return;
    }
    // Long throttling: come back after it rather than hold this worker (design §5).
    if (err instanceof GraphThrottled || (err instanceof Throttled && err.retryAfterMs !== undefined)) {
      const delay = err instanceof GraphThrottled ? err.retryAfterMs : (err.retryAfterMs ?? 60_000);
      log.warn('Throttled; the change comes back later', { delayMs: delay });
      await requeue(message, delay);
      return;
    }
    // The room's status shows the last failure; the message is retried, then poisoned.
    if (message.kind === 'graphChange' || message.kind === 'backfill' || message.kind === 'reconcile') {
      await deps.store.rooms.recordSync(
        message.room,
        new Date(),
        err instanceof Error ? err.message : String(err),
      );
    }
    throw err;
  }
}

export const syncWorker = {
  name: 'syncWorker',
  options: {
    queueName: QUEUES.sync,
    connection: 'AzureWebJobsStorage',
    handler: syncWorkerHandler,
  } satisfies StorageQueueFunctionOptions,
};

app.storageQueue(syncWorker.name, syncWorker.options);
