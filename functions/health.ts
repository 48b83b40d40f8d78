// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import {
  app,
  type HttpFunctionOptions,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { cachedHealth, checkHealth } from '../shared/health';
import { getServices } from '../shared/runtime';
import { summarizeRefusals } from '../shared/store';
import { summarizeRooms } from '../shared/status/gather';

const services = getServices();

// One report per 10 s in this instance, shared by every caller (shared/health.ts says why).
const report = cachedHealth(() =>
  checkHealth(services.storage, 2000, {
    rooms: async () => summarizeRooms({ store: await services.ready(), now: () => new Date() }),
    webhookRefusals: async () => {
      const now = new Date();
      return summarizeRefusals(await (await services.ready()).webhookRefusals.recent(now), now);
    },
  }),
);

export async function healthHandler(
  _request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  const current = await report();
  return {
    status: current.status === 'ok' ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
    jsonBody: current,
  };
}

// Anonymous on purpose: load balancers and uptime probes call it without a key, and it reveals nothing
// but which dependencies answer, how many rooms are registered and need attention, and how many
// Workplace webhooks were refused (GET /api/status, with the key, says which and why).
export const health = {
  name: 'health',
  options: {
    methods: ['GET'],
    authLevel: 'anonymous',
    route: 'health',
    handler: healthHandler,
  } satisfies HttpFunctionOptions,
};

app.http(health.name, health.options);
