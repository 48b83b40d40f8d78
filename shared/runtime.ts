import type { QueueClient } from '@azure/storage-queue';
import { loadConfig, type Config } from './config';
import { GraphGateway, graphCredential } from './graph';
import { enqueue, type EnqueueOptions } from './queue/encoding';
import { QUEUES, type SubscriptionMessage, type SyncMessage } from './queue/messages';
import { createStorageClients, type StorageClients } from './storage';
import { createStore, type Store } from './store';
import { createLogger, type Logger } from './telemetry/logger';
import { currentTraceparent } from './telemetry/tracing';
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
    services = {
      config,
      storage,
      logger: createLogger({ level: config.logLevel }),
      store,
      graph: new GraphGateway({
        credential: graphCredential(config.graph.auth),
        baseUrl: config.graph.baseUrl,
      }),
      workplace: new WorkplaceClient({ baseUrl: config.workplace.baseUrl, auth: config.workplace.auth }),
      enqueueSync: async (message, options) => enqueue(await queue(QUEUES.sync), traced(message), options),
      enqueueSubscription: async (message) => enqueue(await queue(QUEUES.subscriptions), traced(message)),
      enqueuePoison: async (name, payload) => enqueue(await queue(`${name}-poison`), payload),
      ready: ensureStore,
    };
  }
  return services;
}
