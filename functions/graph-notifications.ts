// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import {
  app,
  type HttpFunctionOptions,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { BODY_LIMITS, readBody } from '../shared/ingress/body';
import { acceptGraphNotifications } from '../shared/ingress/graph-notifications';
import { cachedSubscriptions } from '../shared/ingress/subscription-cache';
import { getServices } from '../shared/runtime';

const services = getServices();
const subscriptions = cachedSubscriptions(async (id) => (await services.ready()).subscriptions.get(id));

export async function graphNotificationsHandler(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  // Subscription validation: Graph POSTs a token and wants it back, decoded, as text/plain within 10 s.
  // Anyone can make the endpoint echo text this way, so a browser must never take it for a page.
  const token = request.query.get('validationToken');
  if (token !== null)
    return {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
      body: token,
    };
  const read = await readBody(request, BODY_LIMITS.graphNotifications);
  if (!read.ok) return { status: read.status, jsonBody: { error: read.error } };
  let body: unknown;
  try {
    body = JSON.parse(read.text);
  } catch {
    return { status: 400, jsonBody: { error: 'the body is not JSON' } };
  }
  const logger = services.logger.child({ function: context.functionName });
  const outcome = await acceptGraphNotifications(body, {
    subscription: subscriptions,
    enqueueSync: services.enqueueSync,
    enqueueSubscription: services.enqueueSubscription,
    logger,
    correlationId: context.invocationId,
  });
  // The outcome logged itself, once for the request.
  if (outcome.status !== 202) return { status: outcome.status, jsonBody: { error: outcome.error } };
  return { status: 202 };
}

// Anonymous: Graph sends no key. Each item is checked against its subscription's clientState instead.
export const graphNotifications = {
  name: 'graphNotifications',
  options: {
    methods: ['POST'],
    authLevel: 'anonymous',
    route: 'graph/notifications',
    handler: graphNotificationsHandler,
  } satisfies HttpFunctionOptions,
};

app.http(graphNotifications.name, graphNotifications.options);
