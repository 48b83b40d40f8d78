import { GraphGateway, graphCredential } from '../../shared/graph';
import type { Store } from '../../shared/store';
import type { SyncDeps, SyncQueue } from '../../shared/sync';
import { ignoreEffects } from '../../shared/sync/effects';
import { createLogger } from '../../shared/telemetry/logger';
import { WorkplaceClient } from '../../shared/workplace';

// Apart from sync-world.ts so that a process that only syncs (the backfill bench's worker) does not
// load the emulators and Azurite.

/** A queue that refuses: for tests whose sync must not queue anything (a test that expects it passes one). */
const noQueue: SyncQueue = {
  enqueue: (message) => Promise.reject(new Error(`unexpected enqueue of a ${message.kind} message`)),
};

/** The sync's dependencies on a store and the two emulators at these URLs, as the worker builds them. */
export function syncDepsOn(
  store: Store,
  graphUrl: string,
  workplaceUrl: string,
  queue = noQueue,
): SyncDeps & { exchange: GraphGateway; workplace: WorkplaceClient } {
  return {
    store,
    queue,
    exchange: new GraphGateway({
      credential: graphCredential({
        kind: 'clientSecret',
        tenantId: 'contoso',
        clientId: 'roomsync',
        clientSecret: 'x',
        authorityHost: graphUrl,
      }),
      baseUrl: graphUrl,
    }),
    workplace: new WorkplaceClient({
      baseUrl: workplaceUrl,
      auth: { kind: 'apiKey', apiKey: 'workplace-dev-key' },
    }),
    logger: createLogger({ level: 'error' }),
    clock: { now: () => new Date() },
    effects: ignoreEffects,
    horizonDays: 365,
  };
}
