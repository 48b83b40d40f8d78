import { app, type InvocationContext, type StorageQueueFunctionOptions } from '@azure/functions';
import { GraphThrottled } from '../shared/graph';
import { QUEUES, parseSyncMessage, type SyncMessage } from '../shared/queue/messages';
import { getServices } from '../shared/runtime';
import { backfillRoom } from '../shared/sync/backfill';
import type { SyncDeps } from '../shared/sync/context';
import { LinkInProgress, syncGraphChange, syncWorkplaceChange } from '../shared/sync/run';
import { Throttled } from '../shared/workplace';

const services = getServices();

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
  };
  const requeue = (again: SyncMessage, delayMs: number): Promise<void> =>
    services.enqueueSync(again, { visibilityTimeoutSeconds: Math.ceil(delayMs / 1000) });
  try {
    switch (message.kind) {
      case 'graphChange': {
        const outcome = await syncGraphChange(message, deps);
        log.info('Synced an Exchange change', { room: message.room, eventId: message.eventId, ...outcome });
        return;
      }
      case 'workplaceChange': {
        const outcome = await syncWorkplaceChange(message, deps);
        log.info('Synced a Workplace change', { reservationId: message.reservationId, ...outcome });
        return;
      }
      case 'backfill': {
        const count = await backfillRoom(
          message.room,
          services.config.syncHorizonDays,
          message.correlationId,
          deps,
          services.enqueueSync,
        );
        await deps.store.rooms.recordSync(message.room, new Date(), null);
        log.info('Backfill queued', { room: message.room, items: count });
        return;
      }
    }
  } catch (err) {
    if (err instanceof LinkInProgress) {
      log.info('Another worker is linking this meeting; trying again shortly');
      await requeue(message, 1000);
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
    if (message.kind !== 'workplaceChange') {
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
