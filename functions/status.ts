// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import {
  app,
  type HttpFunctionOptions,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { getServices } from '../shared/runtime';
import { gatherStatus } from '../shared/status/gather';
import { renderStatusPage } from '../shared/status/render';

const services = getServices();

/** `GET /api/status`: every registered room's sync state as an HTML page, for operators. */
export async function statusHandler(
  _request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  const report = await gatherStatus({
    store: await services.ready(),
    queue: (name) => services.storage.queue(name),
    now: () => new Date(),
  });
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      // Its own inline style and nothing else; the URL may carry the function key (?code=), so no referrer.
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
    body: renderStatusPage(report),
  };
}

// An operator's page: the function key is required (x-functions-key or ?code=).
export const status = {
  name: 'status',
  options: {
    methods: ['GET'],
    authLevel: 'function',
    route: 'status',
    handler: statusHandler,
  } satisfies HttpFunctionOptions,
};

app.http(status.name, status.options);
