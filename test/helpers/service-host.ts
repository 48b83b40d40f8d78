import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { startGraphEmulator, type GraphEmulator } from '../../emulators/graph/server';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../emulators/workplace/server';
import { startAzurite, type RunningAzurite } from '../../local/host/azurite';
import { freePort } from '../../local/host/free-port';
import { startLocalHost, type RunningHost } from '../../local/host/host';
import { readHostJson, type QueueSettings } from '../../local/host/host-json';
import { decodeMessageText } from '../../local/host/queue-trigger';
import { loadStorageConfig } from '../../shared/config';
import { QUEUES } from '../../shared/queue/messages';
import { createStorageClients } from '../../shared/storage';
import { createLogger, type Logger } from '../../shared/telemetry/logger';
import { WorkplaceClient } from '../../shared/workplace';
import { fetchToken, graphClient } from './graph-client';
import { FUNCTION_KEY, MASTER_KEY } from './host';

const ROOT = path.resolve(__dirname, '..', '..');

const HOST_LOG = process.env['ROOMSYNC_TEST_HOST_LOG'];

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

export interface ServiceHost {
  azurite: RunningAzurite;
  graph: GraphEmulator;
  workplace: WorkplaceEmulator;
  host: RunningHost;
  logs: string[];
  close(): Promise<void>;
}

/**
 * The service's real functions on the local host, with Azurite and both emulators, configured as the
 * sandbox configures them. The functions read settings from process.env when they load, as in Azure,
 * so this sets them in the test's process (each test file runs in a process of its own).
 */
export async function startServiceHost(
  functions: string[],
  options: {
    /** Overrides of host.json's queue settings (a short visibilityTimeout to reach the last retry fast). */
    queues?: Partial<QueueSettings>;
    /** How Azurite runs: in this process by default (the benchmarks run it in a process of its own). */
    startStorage?: () => Promise<RunningAzurite>;
    /** The host's own log: by default every line at debug, kept in `logs`. */
    hostLogger?: Logger;
  } = {},
): Promise<ServiceHost> {
  const port = await freePort();
  const [azurite, graph, workplace] = await Promise.all([
    (options.startStorage ?? startAzurite)(),
    startGraphEmulator({ port: 0, meetings: { processingDelayMs: 10 } }),
    startWorkplaceEmulator({ port: 0, webhooks: { retryDelaysMs: [100, 300], timeoutMs: 2000 } }),
  ]);
  Object.assign(process.env, {
    AzureWebJobsStorage: azurite.connectionString,
    GRAPH_BASE_URL: graph.url,
    GRAPH_AUTHORITY_HOST: graph.url,
    GRAPH_TENANT_ID: 'contoso',
    GRAPH_CLIENT_ID: 'roomsync-tests',
    GRAPH_CLIENT_SECRET: 'not-a-real-secret',
    WORKPLACE_BASE_URL: workplace.url,
    WORKPLACE_API_KEY: 'workplace-dev-key',
    WORKPLACE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ROOMSYNC_PUBLIC_URL: `http://127.0.0.1:${String(port)}`,
    // The emulator's rooms answer invitations within milliseconds, not Exchange's seconds.
    ROOMSYNC_ROOM_CHECK_DELAY_SECONDS: '2',
  });
  const logs: string[] = [];
  const hostJson = readHostJson(path.join(ROOT, 'host.json'));
  hostJson.queues = { ...hostJson.queues, ...options.queues };
  const host = await startLocalHost({
    modules: functions.map((name) => path.join(ROOT, 'functions', `${name}.ts`)),
    settings: hostJson,
    keys: { functionKey: FUNCTION_KEY, masterKey: MASTER_KEY },
    appSettings: process.env,
    port,
    logger:
      options.hostLogger ??
      createLogger({
        level: 'debug',
        write: (line) => {
          logs.push(line);
          // The host's own log (failed invocations, retries, poison) to a file, when debugging a test.
          if (HOST_LOG) appendFileSync(HOST_LOG, `${line}\n`);
        },
      }),
  });
  return {
    azurite,
    graph,
    workplace,
    host,
    logs,
    close: async () => {
      await host.stop(500);
      await Promise.all([azurite.stop(), graph.stop(), workplace.stop()]);
    },
  };
}

/** A room in both systems, as the sync tests want it: Exchange keeps subjects and books far ahead. */
export function addRoom(
  service: ServiceHost,
  email: string,
  workplaceRoomId: string,
  timeZone = 'Europe/Brussels',
): void {
  service.graph.directory.add({
    email,
    displayName: email,
    kind: 'room',
    room: { deleteSubject: false, addOrganizerToSubject: false, bookingWindowInDays: 3650 },
  });
  service.workplace.addRoom({ id: workplaceRoomId, name: email, email, timeZone });
}

/** Registers a room through the admin API, as an administrator does; returns the HTTP status. */
export async function registerRoom(
  service: ServiceHost,
  email: string,
  workplaceRoomId: string,
): Promise<number> {
  const res = await fetch(`${service.host.url}/api/rooms`, {
    method: 'POST',
    headers: { 'x-functions-key': FUNCTION_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ email, workplaceRoomId }),
  });
  await res.body?.cancel();
  return res.status;
}

/** Workplace's webhooks pointed at the host, signed with the secret the service was given. */
export function connectWorkplaceWebhook(service: ServiceHost): void {
  service.workplace.addWebhook({ url: `${service.host.url}/api/workplace/webhook`, secret: WEBHOOK_SECRET });
}

/** The real Graph SDK client and the Workplace client, as people and apps on either side use them. */
export async function sideClients(
  service: ServiceHost,
): Promise<{ graph: Client; workplace: WorkplaceClient }> {
  return {
    graph: graphClient(service.graph.url, await fetchToken(service.graph.url)),
    workplace: new WorkplaceClient({
      baseUrl: service.workplace.url,
      auth: { kind: 'apiKey', apiKey: 'workplace-dev-key' },
    }),
  };
}

/** Takes up to 32 messages off a queue of the service's storage and decodes them. */
export async function drainQueue(name: string): Promise<Record<string, unknown>[]> {
  const queue = createStorageClients(loadStorageConfig(process.env)).queue(name);
  if (!(await queue.exists())) return [];
  const { receivedMessageItems } = await queue.receiveMessages({
    numberOfMessages: 32,
    visibilityTimeout: 60,
  });
  return receivedMessageItems.map(
    (m) => JSON.parse(decodeMessageText(m.messageText, 'base64')) as Record<string, unknown>,
  );
}

/**
 * Resolves once the service has gone quiet: the sync queue empty, and no Graph or Workplace request for
 * `quietMs` (what "the sync has settled" means for a test that counts requests afterwards).
 */
export async function quiescent(service: ServiceHost, quietMs = 800, timeoutMs = 30_000): Promise<void> {
  const queue = createStorageClients(loadStorageConfig(process.env)).queue(QUEUES.sync);
  const activity = (): string =>
    `${String(service.graph.stats().total)}/${String(service.workplace.stats().total)}`;
  const deadline = Date.now() + timeoutMs;
  let seen = activity();
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await service.workplace.settle();
    const now = activity();
    const queued = (await queue.exists()) ? ((await queue.getProperties()).approximateMessagesCount ?? 0) : 0;
    if (now !== seen || queued > 0) {
      seen = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return;
    }
  }
  throw new Error(`the service did not go quiet within ${String(timeoutMs)} ms`);
}
