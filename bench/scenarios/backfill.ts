import { loadStorageConfig } from '../../shared/config';
import type { SyncMessage } from '../../shared/queue/messages';
import { createStorageClients } from '../../shared/storage';
import { createStore } from '../../shared/store';
import { processSyncMessage } from '../../shared/sync/worker';
import { syncDepsOn } from '../../test/helpers/sync-deps';
import { startAzuriteProcess } from '../azurite-process';
import { startSidesProcess } from '../backfill-sides';
import type { Report } from '../report';

const ROOMS = Number(process.env.BENCH_BACKFILL_ROOMS ?? 100);
const EVENTS = Number(process.env.BENCH_BACKFILL_EVENTS ?? 500);
/** Series among each room's events (weekly, 4 occurrences); the rest are single meetings. */
const SERIES = Math.min(25, Math.floor(EVENTS / 20));
/** The Functions host's queue trigger: batchSize 8 + newBatchThreshold 4 messages in flight. */
const CONCURRENCY = 12;
/** host.json's maxDequeueCount: a message that fails that often would go to the poison queue. */
const MAX_DEQUEUE = 5;

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function memory(): string {
  const m = process.memoryUsage();
  return `rss ${mb(m.rss)} (heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, external ${mb(m.external)})`;
}

/** The emulators' request counters (`GET /_emulator/stats`). */
interface Stats {
  total: number;
  byRoute: Record<string, number>;
  throttled?: number;
}

interface Queued {
  body: string;
  visibleAt: number;
  dequeues: number;
}

/**
 * A queue in memory with what the worker relies on: JSON bodies, visibility delays, redelivery of a
 * message whose handler threw (up to MAX_DEQUEUE times, then counted as poison).
 */
class MemoryQueue {
  private readonly items: Queued[] = [];
  poisoned = 0;
  put(message: SyncMessage, delaySeconds = 0, dequeues = 0): void {
    this.items.push({
      body: JSON.stringify(message),
      visibleAt: Date.now() + delaySeconds * 1000,
      dequeues,
    });
  }
  /** The first visible message, or how long until one is (undefined: the queue is empty). */
  take(): Queued | number | undefined {
    if (this.items.length === 0) return undefined;
    const now = Date.now();
    const i = this.items.findIndex((item) => item.visibleAt <= now);
    if (i >= 0) return this.items.splice(i, 1)[0];
    return Math.min(...this.items.map((item) => item.visibleAt)) - now;
  }
  get length(): number {
    return this.items.length;
  }
}

/**
 * A backfill of ROOMS rooms × EVENTS events (issue 10: 100 × 500) through the real code path: this
 * process is the sync worker alone; Azurite (bench/azurite-process.ts) and both emulators
 * (bench/backfill-sides.ts) run in processes of their own, as Storage, Exchange and Workplace are
 * elsewhere in Azure. One `backfill` message per room, each handled by the sync worker's
 * `processSyncMessage` (shared/sync/worker.ts → shared/sync/backfill.ts: lists the room's reservations
 * and calendarView, syncs the single meetings from the listing and queues the rest, one message each),
 * and every message it queues handled the same way, CONCURRENCY at a time, until the queue is empty.
 *
 * The rooms' calendars are seeded straight into the Graph emulator's event store (not counted): each
 * room holds the room's copies of meetings Ada organised, spread over the next 300 days without
 * overlaps (two 1-hour slots a day), SERIES of them weekly series of 4 occurrences.
 */
export const scenario = {
  name: 'backfill',
  async run(report: Report): Promise<void> {
    const rooms = Array.from({ length: ROOMS }, (_, i) => ({
      email: `room.${String(i).padStart(3, '0')}@contoso.com`,
      workplaceRoomId: `wp-room-${String(i)}`,
    }));
    const [azurite, sides] = await Promise.all([
      startAzuriteProcess(),
      startSidesProcess({ rooms, eventsPerRoom: EVENTS, seriesPerRoom: SERIES }),
    ]);
    const { occurrences, seedSeconds } = sides;
    process.stderr.write(
      `backfill: seeded ${String(ROOMS * EVENTS)} events in ${seedSeconds.toFixed(1)} s\n`,
    );
    const store = createStore(
      createStorageClients(loadStorageConfig({ AzureWebJobsStorage: azurite.connectionString })),
    );
    const deps = syncDepsOn(store, sides.graphUrl, sides.workplaceUrl);
    const stats = async (url: string): Promise<Stats> =>
      (await (await fetch(`${url}/_emulator/stats`)).json()) as Stats;
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 100);
    try {
      await store.ensure();
      for (const { email, workplaceRoomId } of rooms)
        await store.rooms.save({
          email,
          workplaceRoomId,
          displayName: email,
          timeZone: 'UTC',
          registeredAt: new Date().toISOString(),
        });

      const queue = new MemoryQueue();
      let handled = 0;
      let failures = 0;
      const byKind: Record<string, number> = {};
      // Table storage operations, counted per repository method (the worker's third kind of call).
      const storeCalls: Record<string, number> = {};
      const countedStore = Object.fromEntries(
        Object.entries(deps.store).map(([key, repo]) => [
          key,
          typeof repo === 'object' && repo !== null
            ? new Proxy(repo as object, {
                get(target, name): unknown {
                  const value: unknown = Reflect.get(target, name, target);
                  if (typeof value !== 'function') return value;
                  return (...args: unknown[]): unknown => {
                    const label = `${key}.${String(name)}`;
                    storeCalls[label] = (storeCalls[label] ?? 0) + 1;
                    return (value as (...a: unknown[]) => unknown).apply(target, args);
                  };
                },
              })
            : repo,
        ]),
      ) as unknown as typeof deps.store;
      const env = {
        deps: { ...deps, store: countedStore },
        enqueue: (message: SyncMessage, options?: { visibilityTimeoutSeconds?: number }): Promise<void> => {
          queue.put(message, options?.visibilityTimeoutSeconds ?? 0);
          return Promise.resolve();
        },
        roomCheckDelaySeconds: 2,
        sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
        random: Math.random,
      };
      for (const room of rooms) {
        queue.put({
          v: 1,
          correlationId: `bench-backfill-${room.email}`,
          kind: 'backfill',
          room: room.email,
        });
      }
      const graphBefore = await stats(sides.graphUrl);
      const workplaceBefore = await stats(sides.workplaceUrl);
      const rssBefore = process.memoryUsage.rss();
      peakRss = rssBefore;
      const start = performance.now();
      let inFlight = 0;
      let lastLog = start;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (;;) {
            const next = queue.take();
            if (next === undefined) {
              if (inFlight === 0) return;
              await env.sleep(20);
              continue;
            }
            if (typeof next === 'number') {
              await env.sleep(Math.min(Math.max(next, 5), 200));
              continue;
            }
            inFlight += 1;
            const message = JSON.parse(next.body) as SyncMessage;
            byKind[message.kind] = (byKind[message.kind] ?? 0) + 1;
            try {
              await processSyncMessage(message, env);
              handled += 1;
            } catch {
              failures += 1;
              if (next.dequeues + 1 >= MAX_DEQUEUE) queue.poisoned += 1;
              else queue.put(message, 1, next.dequeues + 1);
            } finally {
              inFlight -= 1;
            }
            if (performance.now() - lastLog > 10_000) {
              lastLog = performance.now();
              process.stderr.write(
                `backfill: ${((lastLog - start) / 1000).toFixed(0)} s, ${String(handled)} handled, ${String(queue.length)} queued, ${memory()}\n`,
              );
            }
          }
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      const graphAfter = await stats(sides.graphUrl);
      const workplaceAfter = await stats(sides.workplaceUrl);
      const graphCalls = graphAfter.total - graphBefore.total;
      const workplaceCalls = workplaceAfter.total - workplaceBefore.total;
      const diff = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
        Object.fromEntries(
          Object.entries(a)
            .map(([k, v]) => [k, v - (b[k] ?? 0)] as const)
            .filter(([, v]) => v > 0),
        );
      const graphByRoute = diff(graphAfter.byRoute, graphBefore.byRoute);
      const workplaceByRoute = diff(workplaceAfter.byRoute, workplaceBefore.byRoute);
      const reservationsMade = Object.entries(workplaceByRoute)
        .filter(([route]) => route.startsWith('POST') && route.includes('reservations'))
        .reduce((sum, [, n]) => sum + n, 0);
      const peakRssMb = Math.round((peakRss / 2 ** 20) * 10) / 10;
      const label = `${String(ROOMS)} rooms × ${String(EVENTS)} events`;

      report.row(`backfill: time, ${label}`, Math.round(seconds * 10) / 10, 's', { max: 60 });
      report.row('backfill: Graph calls', graphCalls, 'requests');
      report.row('backfill: Workplace calls', workplaceCalls, 'requests');
      report.row('backfill: reservations made', reservationsMade, 'reservations');
      report.row('backfill: peak RSS (sampled every 100 ms)', peakRssMb, 'MB', { max: 200 });
      report.set('backfillSeconds', Math.round(seconds * 10) / 10);
      report.set('peakRssMb', peakRssMb);
      report.set('backfillCalls', { graph: graphCalls, workplace: workplaceCalls });
      report.set('backfill', {
        rooms: ROOMS,
        eventsPerRoom: EVENTS,
        seriesPerRoom: SERIES,
        occurrences,
        concurrency: CONCURRENCY,
        seconds: Math.round(seconds * 10) / 10,
        seedSeconds: Math.round(seedSeconds * 10) / 10,
        messagesHandled: handled,
        messagesByKind: byKind,
        failures,
        poisoned: queue.poisoned,
        graphCalls,
        graphByRoute,
        graphThrottled: (graphAfter.throttled ?? 0) - (graphBefore.throttled ?? 0),
        workplaceCalls,
        workplaceByRoute,
        storeCalls,
        reservationsMade,
        rssBeforeMb: Math.round(rssBefore / 2 ** 20),
        peakRssMb,
      });
      report.note(
        `backfill: ${label} (${String(SERIES)} weekly series each), ${String(CONCURRENCY)} messages in flight; ${String(handled)} messages handled (${JSON.stringify(byKind)}), ${String(failures)} failed tries, ${String(queue.poisoned)} poisoned; Graph ${JSON.stringify(graphByRoute)}; Workplace ${JSON.stringify(workplaceByRoute)}; store (Table) calls ${JSON.stringify(storeCalls)}; seeding (not counted) ${seedSeconds.toFixed(1)} s. Peak RSS is this process, the sync worker alone: Azurite and the emulators run in processes of their own.`,
      );
    } finally {
      clearInterval(sampler);
      await Promise.all([azurite.stop(), sides.stop()]);
    }
  },
};
