import path from 'node:path';
import { startGraphEmulator } from '../emulators/graph/server';
import { startWorkplaceEmulator } from '../emulators/workplace/server';
import { freePort } from '../local/free-port';
import { startLocalHost } from '../local/host';
import { readHostJson } from '../local/host-json';
import { createLogger, type LogLevel } from '../shared/telemetry/logger';
import { startAzuriteProcess } from './azurite-process';
import { FUNCTION_KEY, MASTER_KEY } from '../test/helpers/host';
import { WEBHOOK_SECRET, type ServiceHost } from '../test/helpers/service-host';

const ROOT = path.resolve(__dirname, '..');

/**
 * The service's real functions on the local host with Azurite and both emulators, set up as
 * test/helpers/service-host.ts's startServiceHost sets them up (same settings, same host.json, same
 * emulator options), except that Azurite runs in a process of its own (Storage is not in the worker's
 * process in Azure) and the host's own log is at ROOMSYNC_LOG_LEVEL (info in `npm run bench`, as in production)
 * and counted rather than kept, since formatting a debug line per request is not what production pays.
 */
export async function startBenchService(
  functions: string[],
): Promise<ServiceHost & { hostLogLines(): number }> {
  const port = await freePort();
  const [azurite, graph, workplace] = await Promise.all([
    startAzuriteProcess(),
    startGraphEmulator({ port: 0, meetings: { processingDelayMs: 10 } }),
    startWorkplaceEmulator({ port: 0, webhooks: { retryDelaysMs: [100, 300], timeoutMs: 2000 } }),
  ]);
  Object.assign(process.env, {
    AzureWebJobsStorage: azurite.connectionString,
    GRAPH_BASE_URL: graph.url,
    GRAPH_AUTHORITY_HOST: graph.url,
    GRAPH_TENANT_ID: 'contoso',
    GRAPH_CLIENT_ID: 'roomsync-bench',
    GRAPH_CLIENT_SECRET: 'not-a-real-secret',
    WORKPLACE_BASE_URL: workplace.url,
    WORKPLACE_API_KEY: 'workplace-dev-key',
    WORKPLACE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ROOMSYNC_PUBLIC_URL: `http://127.0.0.1:${String(port)}`,
    ROOMSYNC_ROOM_CHECK_DELAY_SECONDS: '2',
  });
  let lines = 0;
  const level = (process.env['ROOMSYNC_LOG_LEVEL'] ?? 'info') as LogLevel;
  const host = await startLocalHost({
    modules: functions.map((name) => path.join(ROOT, 'functions', `${name}.ts`)),
    settings: readHostJson(path.join(ROOT, 'host.json')),
    keys: { functionKey: FUNCTION_KEY, masterKey: MASTER_KEY },
    appSettings: process.env,
    port,
    logger: createLogger({
      level,
      write: () => {
        lines += 1;
      },
    }),
  });
  return {
    azurite,
    graph,
    workplace,
    host,
    logs: [],
    hostLogLines: () => lines,
    close: async () => {
      await host.stop(500);
      await Promise.all([azurite.stop(), graph.stop(), workplace.stop()]);
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds with 0.1 ms precision. */
export const round1 = (ms: number): number => Math.round(ms * 10) / 10;
