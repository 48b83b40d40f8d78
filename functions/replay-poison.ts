import {
  app,
  type HttpFunctionOptions,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { REPLAYABLE, replayPoison } from '../shared/queue/replay';
import { getServices } from '../shared/runtime';

const services = getServices();

/** `POST /api/poison/replay[?queue=sync-changes][&limit=N]`: puts poison messages back on their queue. */
export async function replayPoisonHandler(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const queue = request.query.get('queue');
  const limitText = request.query.get('limit');
  const limit = limitText === null ? undefined : Number(limitText);
  if (queue !== null && !REPLAYABLE.includes(queue as (typeof REPLAYABLE)[number]))
    return {
      status: 400,
      jsonBody: { error: { code: 'invalid', message: `queue must be one of ${REPLAYABLE.join(', ')}` } },
    };
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    return {
      status: 400,
      jsonBody: { error: { code: 'invalid', message: 'limit must be a positive integer' } },
    };
  const outcomes = await replayPoison((name) => services.storage.queue(name), {
    ...(queue === null ? {} : { queues: [queue] }),
    ...(limit === undefined ? {} : { limit }),
  });
  services.logger.info('Poison messages replayed', {
    correlationId: context.invocationId,
    replayed: outcomes.map((o) => `${o.queue}: ${String(o.replayed)}`).join(', '),
  });
  return { status: 200, jsonBody: { replayed: outcomes } };
}

// An admin operation: the function key is required (x-functions-key or ?code=).
export const replayPoisonFunction = {
  name: 'replayPoison',
  options: {
    methods: ['POST'],
    authLevel: 'function',
    route: 'poison/replay',
    handler: replayPoisonHandler,
  } satisfies HttpFunctionOptions,
};

app.http(replayPoisonFunction.name, replayPoisonFunction.options);
