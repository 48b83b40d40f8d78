import { startGraphEmulator, type GraphEmulator } from '../../emulators/graph/server';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../emulators/workplace/server';
import { startAzurite, type RunningAzurite } from '../../local/host/azurite';
import { loadStorageConfig } from '../../shared/config';
import { createStorageClients } from '../../shared/storage';
import { Unavailable } from '../../shared/errors';
import { createStore, type Store } from '../../shared/store';
import type { SyncDeps } from '../../shared/sync';
import { addRoomToEmulators } from './emulator-rooms';
import { syncDepsOn } from './sync-deps';

/**
 * The sync's dependencies on real Azurite and both emulators, without a Functions host: for tests that
 * call the sync core directly (races, crashes) and need to control each step.
 */
export interface SyncWorld {
  azurite: RunningAzurite;
  graph: GraphEmulator;
  workplace: WorkplaceEmulator;
  store: Store;
  deps: ReturnType<typeof syncDepsOn>;
  close(): Promise<void>;
}

export async function startSyncWorld(
  rooms: { email: string; workplaceRoomId: string }[],
  people: { email: string; displayName: string }[] = [],
): Promise<SyncWorld> {
  const [azurite, graph, workplace] = await Promise.all([
    startAzurite(),
    startGraphEmulator({ meetings: { processingDelayMs: 1 } }),
    startWorkplaceEmulator({ port: 0 }),
  ]);
  const store = createStore(
    createStorageClients(loadStorageConfig({ AzureWebJobsStorage: azurite.connectionString })),
  );
  await store.ensure();
  for (const person of people) graph.directory.add({ ...person, kind: 'person' });
  for (const { email, workplaceRoomId } of rooms) {
    addRoomToEmulators(graph, workplace, { email, workplaceRoomId });
    await store.rooms.save({
      email,
      workplaceRoomId,
      displayName: email,
      timeZone: 'UTC',
      registeredAt: '2026-11-25T00:00:00Z',
    });
  }
  const deps = syncDepsOn(store, graph.url, workplace.url);
  return {
    azurite,
    graph,
    workplace,
    store,
    deps,
    close: async () => {
      await Promise.all([azurite.stop(), graph.stop(), workplace.stop()]);
    },
  };
}

/** What a dead worker's every later call throws. */
export class ProcessDied extends Error {
  constructor(after: string) {
    super(`the process died after ${after}`);
    this.name = 'ProcessDied';
  }
}

/**
 * The dependencies with `afterStep` run right after `step` (e.g. `graph.createEvent`) succeeds, before
 * its result returns to the caller; `blocked()` true makes every call throw what `blockedError()` makes.
 */
function intercepting(
  deps: SyncDeps,
  step: string,
  afterStep: () => Promise<void>,
  blocked: () => Error | undefined,
): SyncDeps {
  const wrap = <T extends object>(target: T, prefix: string): T =>
    new Proxy(target, {
      get(obj, key) {
        const value: unknown = Reflect.get(obj, key, obj);
        if (typeof value !== 'function') return value;
        const name = `${prefix}.${String(key)}`;
        const method = value as (...a: unknown[]) => unknown;
        if (method.constructor.name === 'AsyncGeneratorFunction') {
          return (...args: unknown[]): unknown => {
            const error = blocked();
            if (error) throw error;
            return method.apply(obj, args);
          };
        }
        return async (...args: unknown[]): Promise<unknown> => {
          const before = blocked();
          if (before) throw before;
          const result: unknown = await method.apply(obj, args);
          if (name === step) await afterStep();
          const after = blocked();
          if (after) throw after;
          return result;
        };
      },
    });
  const store = Object.fromEntries(
    Object.entries(deps.store).map(([key, value]) => [
      key,
      typeof value === 'object' && value !== null ? wrap(value as object, `store.${key}`) : value,
    ]),
  ) as unknown as SyncDeps['store'];
  return {
    ...deps,
    store,
    exchange: wrap(deps.exchange, 'graph'),
    workplace: wrap(deps.workplace, 'workplace'),
  };
}

/**
 * The dependencies of a worker whose process dies right after `step` (e.g. `graph.createEvent`)
 * succeeds: that call's effect stays, and it and every later call (link save, claim release, …) throw
 * ProcessDied without touching anything, as nothing runs in a dead process.
 */
export function dyingAfter(deps: SyncDeps, step: string): SyncDeps {
  let dead = false;
  return intercepting(
    deps,
    step,
    () => {
      dead = true;
      return Promise.resolve();
    },
    () => (dead ? new ProcessDied(step) : undefined),
  );
}

/**
 * The dependencies of a worker whose `step` (e.g. `graph.createEvent`) takes effect but whose answer is
 * lost, once: the call reaches the side, then throws as a timeout would (Unavailable, no answer).
 */
export function losingAnswerOf(deps: SyncDeps, step: string): SyncDeps {
  let lost = false;
  return intercepting(
    deps,
    step,
    () => {
      if (lost) return Promise.resolve();
      lost = true;
      return Promise.reject(new Unavailable('exchange', 0, 'Timeout', `${step}: no answer (test)`));
    },
    () => undefined,
  );
}

/**
 * The dependencies of a worker that stops right after `step` succeeds until `resume()` (another worker
 * runs meanwhile): `reached` settles when it has stopped there.
 */
export function pausingAfter(
  deps: SyncDeps,
  step: string,
): { deps: SyncDeps; reached: Promise<void>; resume(): void } {
  let arrive = (): void => undefined;
  let resume = (): void => undefined;
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  const paused = intercepting(
    deps,
    step,
    () => {
      arrive();
      return resumed;
    },
    () => undefined,
  );
  return { deps: paused, reached, resume };
}
