// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import { app, type InvocationContext, type StorageQueueFunctionOptions } from '@azure/functions';
import { QUEUES, syncMessageSchema } from '../shared/queue/messages';
import { consumeQueueMessage } from '../shared/queue/poison';
import { getServices } from '../shared/runtime';
import { processSyncMessage } from '../shared/sync/worker';
import { inMessageSpan } from '../shared/telemetry/tracing';

const services = getServices();

export async function syncWorkerHandler(input: unknown, context: InvocationContext): Promise<void> {
  const dequeueCount = context.triggerMetadata?.dequeueCount;
  await consumeQueueMessage({
    queue: QUEUES.sync,
    input,
    dequeueCount,
    schema: syncMessageSchema,
    handle: async (message) => {
      const logger = services.logger.child({
        function: context.functionName,
        correlationId: message.correlationId,
        kind: message.kind,
        dequeueCount,
      });
      const insertionTime: unknown = context.triggerMetadata?.insertionTime;
      const insertedAt = typeof insertionTime === 'string' ? new Date(insertionTime) : undefined;
      const attributes = { 'roomsync.correlation_id': message.correlationId, 'roomsync.kind': message.kind };
      const deps = await services.syncDeps(logger);
      await inMessageSpan(`sync ${message.kind}`, message.traceparent, attributes, () =>
        processSyncMessage(message, {
          deps,
          roomCheckDelaySeconds: services.config.roomCheckDelaySeconds,
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          random: Math.random,
          ...(insertedAt && !Number.isNaN(insertedAt.getTime()) ? { insertedAt } : {}),
        }),
      );
    },
    sendToPoison: (payload) => services.enqueuePoison(QUEUES.sync, payload),
    logger: services.logger.child({ invocationId: context.invocationId }),
    now: () => services.clock.now(),
  });
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
