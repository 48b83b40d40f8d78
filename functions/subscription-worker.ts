// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import { app, type InvocationContext, type StorageQueueFunctionOptions } from '@azure/functions';
import { QUEUES, subscriptionMessageSchema } from '../shared/queue/messages';
import { consumeQueueMessage } from '../shared/queue/poison';
import { getServices } from '../shared/runtime';
import { handleSubscriptionMessage } from '../shared/subscriptions/upkeep';
import { inMessageSpan } from '../shared/telemetry/tracing';

const services = getServices();

export async function subscriptionWorkerHandler(input: unknown, context: InvocationContext): Promise<void> {
  const logger = services.logger.child({ invocationId: context.invocationId });
  await consumeQueueMessage({
    queue: QUEUES.subscriptions,
    input,
    dequeueCount: context.triggerMetadata?.dequeueCount,
    schema: subscriptionMessageSchema,
    handle: (message) =>
      inMessageSpan(
        `subscription ${message.kind}`,
        message.traceparent,
        { 'roomsync.correlation_id': message.correlationId },
        async () =>
          handleSubscriptionMessage(message, {
            store: await services.ready(),
            graph: services.graph,
            enqueueSync: services.enqueueSync,
            publicUrl: services.config.publicUrl,
            now: () => new Date(),
            logger: logger.child({ correlationId: message.correlationId }),
            correlationId: message.correlationId,
          }),
      ),
    sendToPoison: (payload) => services.enqueuePoison(QUEUES.subscriptions, payload),
    logger,
    now: () => new Date(),
  });
}

export const subscriptionWorker = {
  name: 'subscriptionWorker',
  options: {
    queueName: QUEUES.subscriptions,
    connection: 'AzureWebJobsStorage',
    handler: subscriptionWorkerHandler,
  } satisfies StorageQueueFunctionOptions,
};

app.storageQueue(subscriptionWorker.name, subscriptionWorker.options);
