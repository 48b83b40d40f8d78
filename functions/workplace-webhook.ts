// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import { randomUUID } from 'node:crypto';
import {
  app,
  type HttpFunctionOptions,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { BODY_LIMITS, readBody } from '../shared/ingress/body';
import { refusalCounter } from '../shared/ingress/refusal-counter';
import { acceptWorkplaceWebhook } from '../shared/ingress/workplace-webhook';
import { getServices } from '../shared/runtime';

const services = getServices();
// One row per process and hour: each instance writes only its own count, so instances never contend.
const refusals = refusalCounter({
  save: async (row) => (await services.ready()).webhookRefusals.save(row),
  prune: async (now) => (await services.ready()).webhookRefusals.prune(now),
  instance: randomUUID(),
  logger: services.logger.child({ function: 'workplaceWebhook' }),
});

export async function workplaceWebhookHandler(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  // The signature covers the raw bytes: read them as they came, never a re-serialised body.
  const read = await readBody(request, BODY_LIMITS.workplaceWebhook);
  if (!read.ok) return { status: read.status, jsonBody: { error: read.error } };
  const outcome = await acceptWorkplaceWebhook((name) => request.headers.get(name), read.text, {
    secret: services.config.workplace.webhookSecret,
    enqueueSync: services.enqueueSync,
    // The store is reached inside each call, so storage that cannot even be set up counts as a failed
    // check (the change is queued anyway) rather than failing the request before the enqueue.
    deliveries: {
      remember: async (delivery) => (await services.ready()).deliveries.remember(delivery),
      forget: async (delivery) => (await services.ready()).deliveries.forget(delivery),
    },
    refusals,
    logger: services.logger.child({ function: context.functionName }),
    correlationId: context.invocationId,
  });
  if (outcome.status !== 202) return { status: outcome.status, jsonBody: { error: outcome.error } };
  return outcome.duplicate
    ? { status: 202, jsonBody: { duplicate: true, deliveryId: outcome.deliveryId } }
    : { status: 202 };
}

// Anonymous: Workplace signs its deliveries (HMAC) instead of sending a function key.
export const workplaceWebhook = {
  name: 'workplaceWebhook',
  options: {
    methods: ['POST'],
    authLevel: 'anonymous',
    route: 'workplace/webhook',
    handler: workplaceWebhookHandler,
  } satisfies HttpFunctionOptions,
};

app.http(workplaceWebhook.name, workplaceWebhook.options);
