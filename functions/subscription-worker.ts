import { app, type InvocationContext, type StorageQueueFunctionOptions } from '@azure/functions';
import { QUEUES, parseSubscriptionMessage } from '../shared/queue/messages';
import { getServices } from '../shared/runtime';
import { handleSubscriptionMessage } from '../shared/subscriptions/upkeep';

const services = getServices();

export async function subscriptionWorkerHandler(input: unknown, context: InvocationContext): Promise<void> {
  const message = parseSubscriptionMessage(input);
  await handleSubscriptionMessage(message, {
    store: await services.ready(),
    graph: services.graph,
    enqueueSync: services.enqueueSync,
    publicUrl: services.config.publicUrl,
    now: () => new Date(),
    logger: services.logger.child({ invocationId: context.invocationId }),
    correlationId: message.correlationId,
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
