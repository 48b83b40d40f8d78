// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import {
  app,
  type HttpFunctionOptions,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { checkHealth } from '../shared/health';
import { getServices } from '../shared/runtime';
import { summarizeRooms } from '../shared/status/gather';

const services = getServices();

export async function healthHandler(
  _request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  const report = await checkHealth(services.storage, 2000, {
    rooms: async () => summarizeRooms({ store: await services.ready(), now: () => new Date() }),
  });
  return { status: report.status === 'ok' ? 200 : 503, jsonBody: report };
}

// Anonymous on purpose: load balancers and uptime probes call it without a key, and it reveals nothing
// but which dependencies answer and how many rooms are registered and need attention (GET /api/status,
// with the key, says which and why).
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
