// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import {
  app,
  type HttpFunctionOptions,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { REPLAYABLE, listPoison, replayPoison } from '../shared/queue/replay';
import { getServices } from '../shared/runtime';

const services = getServices();

const invalid = (message: string): HttpResponseInit => ({
  status: 400,
  jsonBody: { error: { code: 'invalid', message } },
});

/** `?queue=`: one of the replayable queues, or every one when absent. */
function queuesAsked(request: HttpRequest): { ok: true; queues?: string[] } | { ok: false } {
  const queue = request.query.get('queue');
  if (queue === null) return { ok: true };
  return REPLAYABLE.includes(queue as (typeof REPLAYABLE)[number])
    ? { ok: true, queues: [queue] }
    : { ok: false };
}

/** `POST /api/poison/replay[?queue=sync-changes][&limit=N]`: puts poison messages back on their queue. */
export async function replayPoisonHandler(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const asked = queuesAsked(request);
  const limitText = request.query.get('limit');
  const limit = limitText === null ? undefined : Number(limitText);
  if (!asked.ok) return invalid(`queue must be one of ${REPLAYABLE.join(', ')}`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    return invalid('limit must be a positive integer');
  const outcomes = await replayPoison((name) => services.storage.queue(name), {
    ...(asked.queues ? { queues: asked.queues } : {}),
    ...(limit === undefined ? {} : { limit }),
  });
  services.logger.info('Poison messages replayed', {
    correlationId: context.invocationId,
    replayed: outcomes.map((o) => `${o.queue}: ${String(o.replayed)}`).join(', '),
    reasons: outcomes.flatMap((o) => o.reasons.map((r) => `${o.queue}: ${String(r.count)} × ${r.reason}`)),
  });
  return { status: 200, jsonBody: { replayed: outcomes } };
}

/** `GET /api/poison[?queue=sync-changes]`: what the poison queues hold and why, nothing taken off. */
export async function listPoisonHandler(request: HttpRequest): Promise<HttpResponseInit> {
  const asked = queuesAsked(request);
  if (!asked.ok) return invalid(`queue must be one of ${REPLAYABLE.join(', ')}`);
  const listings = await listPoison(
    (name) => services.storage.queue(name),
    asked.queues ? { queues: asked.queues } : {},
  );
  return { status: 200, jsonBody: { queues: listings } };
}

// Admin operations: the function key is required (x-functions-key or ?code=).
export const replayPoisonFunction = {
  name: 'replayPoison',
  options: {
    methods: ['POST'],
    authLevel: 'function',
    route: 'poison/replay',
    handler: replayPoisonHandler,
  } satisfies HttpFunctionOptions,
};

export const listPoisonFunction = {
  name: 'listPoison',
  options: {
    methods: ['GET'],
    authLevel: 'function',
    route: 'poison',
    handler: listPoisonHandler,
  } satisfies HttpFunctionOptions,
};

app.http(replayPoisonFunction.name, replayPoisonFunction.options);
app.http(listPoisonFunction.name, listPoisonFunction.options);
