import type { QueueClient } from '@azure/storage-queue';
import { loadConfig, type Config } from './config';
import { GraphGateway, graphCredential } from './graph';
import { enqueue, type EnqueueOptions } from './queue/encoding';
import { QUEUES, type SubscriptionMessage, type SyncMessage } from './queue/messages';
import { createStorageClients, type StorageClients } from './storage';
import { createStore, type Store } from './store';
import { createLogger, type Logger } from './telemetry/logger';
import { currentTraceparent } from './telemetry/tracing';
import { ignoreEffects } from './sync/effects';
import type { Clock, SyncDeps } from './sync/ports';
import { WorkplaceClient } from './workplace';

/** What the functions share within one worker process: built once, on first use. */
export interface Services {
  config: Config;
  storage: StorageClients;
  logger: Logger;
  store: Store;
  graph: GraphGateway;
  workplace: WorkplaceClient;
  /** Puts a change on the sync queue (base64, as the queue trigger reads it; the queue made on first use). */
  enqueueSync: (message: SyncMessage, options?: EnqueueOptions) => Promise<void>;
  /** Puts subscription work on its queue. */
  enqueueSubscription: (message: SubscriptionMessage) => Promise<void>;
  /** Puts a message on `<queue>-poison` (a worker poisoning a message itself, with its reason). */
  enqueuePoison: (queue: string, payload: unknown) => Promise<void>;
  /** The store's tables exist (created on first use in this process). */
  ready(): Promise<Store>;
  clock: Clock;
  /** What a sync run needs (shared/sync/ports.ts), logging through `logger`; the store made ready first. */
  syncDeps(logger: Logger): Promise<SyncDeps>;
}

let services: Services | undefined;

/** The message with the active trace on it, unless it carries one already (a put-back keeps its own). */
function traced<T extends { traceparent?: string | undefined }>(message: T): T {
  if (message.traceparent) return message;
  const traceparent = currentTraceparent();
  return traceparent ? { ...message, traceparent } : message;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((err: unknown) => {
      // A failed start (storage not up yet) is tried again next time rather than remembered.
      made = undefined;
      throw err;
    });
    return made;
  };
}

/**
 * Function modules call this at load time, so a bad configuration stops the app from starting (the
 * ConfigError names every bad setting) rather than failing one request at a time. Clients are cheap
 * to build and connect lazily; tables and queues are created once per process on first use.
 */
export function getServices(): Services {
  if (!services) {
    const config = loadConfig(process.env);
    const storage = createStorageClients(config.storage);
    const store = createStore(storage);
    const ensureStore = once(async () => {
      await store.ensure();
      return store;
    });
    const queues = new Map<string, () => Promise<QueueClient>>();
    const queue = (name: string): Promise<QueueClient> => {
      let ensure = queues.get(name);
      if (!ensure) {
        ensure = once(async () => {
          const client = storage.queue(name);
          await client.createIfNotExists();
          return client;
        });
        queues.set(name, ensure);
      }
      return ensure();
    };
    const clock: Clock = { now: () => new Date() };
    const logger = createLogger({ level: config.logLevel });
    const graph = new GraphGateway({
      credential: graphCredential(config.graph.auth),
      baseUrl: config.graph.baseUrl,
    });
    const workplace = new WorkplaceClient({ baseUrl: config.workplace.baseUrl, auth: config.workplace.auth });
    const enqueueSync = async (message: SyncMessage, options?: EnqueueOptions): Promise<void> =>
      enqueue(await queue(QUEUES.sync), traced(message), options);
    services = {
      config,
      storage,
      logger,
      store,
      graph,
      workplace,
      enqueueSync,
      enqueueSubscription: async (message) => enqueue(await queue(QUEUES.subscriptions), traced(message)),
      enqueuePoison: async (name, payload) => enqueue(await queue(`${name}-poison`), payload),
      ready: ensureStore,
      clock,
      syncDeps: async (log) => ({
        exchange: graph,
        workplace,
        store: await ensureStore(),
        queue: { enqueue: enqueueSync },
        clock,
        logger: log,
        effects: ignoreEffects,
        horizonDays: config.syncHorizonDays,
      }),
    };
  }
  return services;
}
