import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@microsoft/microsoft-graph-client';
import { seedEntropy } from '../../emulators/graph/entropy';
import { startGraphEmulator, type GraphEmulator } from '../../emulators/graph/server';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../emulators/workplace/server';
import { startAzurite, type RunningAzurite } from '../../local/host/azurite';
import { loadStorageConfig } from '../../shared/config';
import { GraphGateway, graphCredential } from '../../shared/graph';
import { acceptGraphNotifications } from '../../shared/ingress/graph-notifications';
import { acceptWorkplaceWebhook } from '../../shared/ingress/workplace-webhook';
import type { SyncMessage } from '../../shared/queue/messages';
import { createStorageClients, type StorageClients } from '../../shared/storage';
import { TABLES, createStore, type Store } from '../../shared/store';
import type { Logger } from '../../shared/telemetry/logger';
import { WorkplaceClient } from '../../shared/workplace';
import { fetchToken, graphClient } from '../helpers/graph-client';
import type { Random } from './random';

/**
 * What the fuzzer's scenarios run against, started once for a whole run: Azurite, both emulators (in
 * this process, so their background work can be settled between two calls) and a receiver standing in
 * for the service's two HTTP functions: it takes Graph's notifications and Workplace's webhooks and puts
 * them through the same ingress code (clientState, signature checks) onto the scenario's queue.
 */

export const WEBHOOK_SECRET = 'fuzz-webhook-secret-0123456789';

interface Delivery {
  kind: 'graph' | 'workplace';
  body: string;
  headers: Record<string, string>;
  /** What orders deliveries that arrived together: the same in every replay of a seed. */
  key: string;
}

export interface World {
  azurite: RunningAzurite;
  graph: GraphEmulator;
  workplace: WorkplaceEmulator;
  storage: StorageClients;
  publicUrl: string;
  /** The random streams the emulators' fault decisions draw from, swapped per scenario. */
  useRandom(streams: { graph: Random; notifications: Random; workplace: Random; entropy: Random }): void;
  /** Deliveries received and not yet taken in. */
  received: Delivery[];
  /** The emulators' background work settled and every delivery it caused received. */
  settle(): Promise<void>;
  /** Received deliveries through the ingress code, in a replayable order. */
  takeIn(
    sink: IngressSink,
  ): Promise<{ graph: number; workplace: number; refused: number; duplicates: number }>;
  /** Azurite's tables emptied, the emulators reset: a clean slate for the next scenario. */
  reset(): Promise<void>;
  serviceClients(random: Random): Promise<{ store: Store; graph: GraphGateway; workplace: WorkplaceClient }>;
  userClients(): Promise<{ graph: Client; workplace: WorkplaceClient }>;
  close(): Promise<void>;
}

export interface IngressSink {
  store: Store;
  logger: Logger;
  enqueue(message: SyncMessage): void;
  correlationId(): string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Graph's notification items without the parts that differ between replays (clientState). */
function graphKey(body: string): string {
  try {
    const value = (JSON.parse(body) as { value?: Record<string, unknown>[] }).value ?? [];
    return JSON.stringify(
      value.map((n) => [n['subscriptionId'], n['changeType'], n['resourceData'], n['lifecycleEvent']]),
    );
  } catch {
    return body;
  }
}

function workplaceKey(body: string): string {
  try {
    const e = JSON.parse(body) as Record<string, unknown>;
    return JSON.stringify([e['reservationId'], e['version'], e['type']]);
  } catch {
    return body;
  }
}

export async function startWorld(): Promise<World> {
  let graphRandom: () => number = Math.random;
  let workplaceRandom: () => number = Math.random;
  let notificationRandom: () => number = Math.random;
  const [azurite, graph, workplace] = await Promise.all([
    startAzurite(),
    startGraphEmulator({
      port: 0,
      meetings: { processingDelayMs: 1 },
      subscriptions: { batchWindowMs: 1, random: () => notificationRandom() },
      random: () => graphRandom(),
    }),
    startWorkplaceEmulator({
      port: 0,
      webhooks: { retryDelaysMs: [1, 1], timeoutMs: 2000, reorderWindowMs: 1 },
      random: () => workplaceRandom(),
    }),
  ]);
  const received: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
        return;
      }
      const body = await readBody(req);
      const headers = Object.fromEntries(
        Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
      );
      if (url.pathname === '/api/graph/notifications')
        received.push({ kind: 'graph', body, headers, key: graphKey(body) });
      else if (url.pathname === '/api/workplace/webhook')
        received.push({ kind: 'workplace', body, headers, key: workplaceKey(body) });
      res.writeHead(202).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const publicUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const env = { ...process.env, AzureWebJobsStorage: azurite.connectionString };
  const storage = createStorageClients(loadStorageConfig(env));

  return {
    azurite,
    graph,
    workplace,
    storage,
    publicUrl,
    received,
    useRandom(streams) {
      graphRandom = streams.graph.next;
      notificationRandom = streams.notifications.next;
      workplaceRandom = streams.workplace.next;
      seedEntropy(streams.entropy.next);
    },
    async settle() {
      // Meeting processing can cause notifications, and delivering them nothing more: in this order.
      await graph.meetings.settle();
      await graph.subscriptions.flush();
      await workplace.settle();
    },
    async takeIn(sink) {
      const batch = received.splice(0).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const counts = { graph: 0, workplace: 0, refused: 0, duplicates: 0 };
      for (const d of batch) {
        const correlationId = sink.correlationId();
        if (d.kind === 'graph') {
          const outcome = await acceptGraphNotifications(JSON.parse(d.body) as unknown, {
            subscription: (id) => sink.store.subscriptions.get(id),
            enqueueSync: (m) => {
              sink.enqueue(m);
              return Promise.resolve();
            },
            // Lifecycle events are the subscription worker's (covered end to end elsewhere).
            enqueueSubscription: () => Promise.resolve(),
            logger: sink.logger,
            correlationId,
          });
          if (outcome.status === 202) counts.graph += outcome.accepted;
          else counts.refused += 1;
        } else {
          const outcome = await acceptWorkplaceWebhook((name) => d.headers[name.toLowerCase()], d.body, {
            secret: WEBHOOK_SECRET,
            enqueueSync: (m) => {
              sink.enqueue(m);
              return Promise.resolve();
            },
            deliveries: sink.store.deliveries,
            logger: sink.logger,
            correlationId,
          });
          if (outcome.status !== 202) counts.refused += 1;
          else if (outcome.duplicate) counts.duplicates += 1;
          else counts.workplace += 1;
        }
      }
      return counts;
    },
    async reset() {
      graph.reset();
      workplace.reset();
      received.length = 0;
      const names = Object.values(TABLES);
      await Promise.all(
        names.map((name) =>
          storage
            .table(name)
            .deleteTable()
            .catch(() => undefined),
        ),
      );
    },
    async serviceClients(random) {
      const store = createStore(storage);
      await store.ensure();
      return {
        store,
        graph: new GraphGateway({
          credential: graphCredential({
            kind: 'clientSecret',
            tenantId: 'contoso',
            clientId: 'roomsync-fuzz',
            clientSecret: 'not-a-real-secret',
            authorityHost: graph.url,
          }),
          baseUrl: graph.url,
        }),
        workplace: new WorkplaceClient({
          baseUrl: workplace.url,
          auth: { kind: 'apiKey', apiKey: 'workplace-dev-key' },
          // Backoff waits are the virtual clock's business, not the run's.
          sleep: () => Promise.resolve(),
          random: random.next,
        }),
      };
    },
    async userClients() {
      return {
        graph: graphClient(graph.url, await fetchToken(graph.url)),
        workplace: new WorkplaceClient({
          baseUrl: workplace.url,
          auth: { kind: 'apiKey', apiKey: 'workplace-dev-key' },
        }),
      };
    },
    async close() {
      seedEntropy(undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([azurite.stop(), graph.stop(), workplace.stop()]);
    },
  };
}
