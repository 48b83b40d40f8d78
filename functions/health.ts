import {
  app,
  type HttpFunctionOptions,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { checkHealth } from '../shared/health';
import { getServices } from '../shared/runtime';

const services = getServices();

export async function healthHandler(
  _request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  const report = await checkHealth(services.storage);
  return { status: report.status === 'ok' ? 200 : 503, jsonBody: report };
}

// Anonymous on purpose: load balancers and uptime probes call it without a key, and it reveals nothing
// but which dependencies answer.
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
