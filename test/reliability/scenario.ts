import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { faultsSchema as graphFaultsSchema } from '../../emulators/graph/faults';
import type { SyncMessage } from '../../shared/queue/messages';
import { registerRoom } from '../../shared/rooms/admin';
import type { Store } from '../../shared/store';
import type { SyncDeps } from '../../shared/sync';
import { ignoreEffects } from '../../shared/sync/effects';
import { processSyncMessage } from '../../shared/sync/worker';
import { createLogger } from '../../shared/telemetry/logger';
import { differences } from './check';
import { Model, ZONE } from './model';
import { SimQueue, type Queued } from './queue';
import { Random } from './random';
import { Scheduler, WorkerKilled, type JobHandle } from './scheduler';
import { ORGANIZER, act, type People, type Room } from './users';
import { WEBHOOK_SECRET, type World } from './world';

/**
 * One seeded scenario: rooms registered; a chaos phase in which users act on both sides while queue
 * workers run interleaved, with faults injected through the emulators and workers killed between
 * steps; then a calm phase (faults off, poison replayed as an operator would, two reconcile sweeps);
 * then the checks. Everything random comes from the seed, so a failing seed replays exactly.
 */

export interface ScenarioOptions {
  seed: number;
  /** User actions in the chaos phase. */
  actions: number;
  /** Share of Graph and Workplace calls that fail (429, 5xx, timeouts). */
  faultRate: number;
  /** Share of notifications and webhooks dropped. */
  dropRate: number;
  /** Chance that a worker's turn kills it. */
  killRate: number;
}

export const DEFAULTS: Omit<ScenarioOptions, 'seed'> = {
  actions: 10,
  faultRate: 0.2,
  dropRate: 0.3,
  killRate: 0.02,
};

export interface Stats {
  actions: number;
  rounds: number;
  attempts: number;
  completed: number;
  /** Failed tries by error name (WorkerKilled: the worker died between two steps). */
  failures: Record<string, number>;
  kills: number;
  poisoned: number;
  replayed: number;
  sweeps: number;
  tokenExpiries: number;
  serviceWrites: number;
  /** Faults the emulators injected, by kind. */
  injected: Record<string, number>;
  /** Notifications and webhooks taken in, and refused by the ingress. */
  deliveries: { graph: number; workplace: number; refused: number; duplicates: number };
}

export interface ScenarioResult {
  seed: number;
  ok: boolean;
  problems: string[];
  trace: string[];
  /** A digest of the trace: equal for two runs of one seed when the replay is exact. */
  digest: string;
  stats: Stats;
  ms: number;
  logs: string[];
}

const WRITES = new Set([
  'graph.createEvent',
  'graph.updateEvent',
  'graph.deleteEvent',
  'graph.declineEvent',
  'workplace.createReservation',
  'workplace.replaceReservation',
  'workplace.cancelReservation',
  'workplace.declineLine',
]);

const ROOMS: Room[] = [
  { email: 'room-a@contoso.com', roomId: 'wp-a' },
  { email: 'room-b@contoso.com', roomId: 'wp-b' },
  { email: 'room-c@contoso.com', roomId: 'wp-c' },
];

/** Bound on the rounds of a phase: a queue that never empties is a finding, not a hang. */
const MAX_ROUNDS = 3000;

export async function runScenario(world: World, options: ScenarioOptions): Promise<ScenarioResult> {
  const began = Date.now();
  const { seed } = options;
  const stream = (label: string): Random => Random.fork(seed, label);
  const chaos = stream('chaos');
  const queueRandom = stream('queue');
  const trace: string[] = [];
  const problems: string[] = [];
  const logs: string[] = [];
  const stats: Stats = {
    actions: 0,
    rounds: 0,
    attempts: 0,
    completed: 0,
    failures: {},
    kills: 0,
    poisoned: 0,
    replayed: 0,
    sweeps: 0,
    tokenExpiries: 0,
    serviceWrites: 0,
    injected: {},
    deliveries: { graph: 0, workplace: 0, refused: 0, duplicates: 0 },
  };

  await world.reset();
  world.useRandom({
    graph: stream('graph'),
    notifications: stream('notifications'),
    workplace: stream('workplace'),
    entropy: stream('entropy'),
  });
  const { graph, workplace } = world;
  graph.directory.add({ email: ORGANIZER, displayName: 'Ada Lovelace', kind: 'person' });
  for (const room of ROOMS) {
    graph.directory.add({
      email: room.email,
      displayName: room.email,
      kind: 'room',
      room: { deleteSubject: false, addOrganizerToSubject: false, bookingWindowInDays: 1080 },
    });
    workplace.addRoom({ id: room.roomId, name: room.email, email: room.email, timeZone: ZONE });
  }
  workplace.addWebhook({ url: `${world.publicUrl}/api/workplace/webhook`, secret: WEBHOOK_SECRET });

  const logger = createLogger({
    level: process.env['FUZZ_CALLS'] === '1' ? 'info' : 'warn',
    write: (line) => logs.push(line),
  });
  const service = await world.serviceClients(stream('worker'));
  const queue = new SimQueue(Date.now(), 10_000, 5);
  const now = (): Date => new Date(queue.now);
  let correlation = 0;
  const nextCorrelation = (): string => `fuzz-${String(seed)}-${String((correlation += 1))}`;
  const sink = {
    store: service.store,
    logger,
    enqueue: (m: SyncMessage) => queue.put(m),
    correlationId: nextCorrelation,
  };
  const takeIn = async (): Promise<void> => {
    await world.settle();
    const counts = await world.takeIn(sink);
    stats.deliveries.graph += counts.graph;
    stats.deliveries.workplace += counts.workplace;
    stats.deliveries.refused += counts.refused;
    stats.deliveries.duplicates += counts.duplicates;
  };

  for (const room of ROOMS) {
    const reply = await registerRoom(
      { email: room.email, workplaceRoomId: room.roomId },
      {
        store: service.store,
        graph: service.graph,
        workplace: service.workplace,
        enqueueSync: (m) => {
          queue.put(m);
          return Promise.resolve();
        },
        publicUrl: world.publicUrl,
        now,
        correlationId: nextCorrelation(),
        logger,
      },
    );
    if (reply.status !== 201) throw new Error(`registering ${room.email} answered ${String(reply.status)}`);
  }
  await takeIn();

  const users = await world.userClients();
  const people: People = { ...users, rooms: ROOMS };
  const firstDay = DateTime.fromMillis(queue.now, { zone: ZONE }).startOf('day').plus({ days: 2 });
  const model = new Model(firstDay);

  const requestFaults = {
    graph: graphFaultsSchema.parse({
      errors: [
        { status: 429, rate: options.faultRate * 0.3, retryAfterSeconds: 0 },
        // Throttling longer than the gateway waits in place: the message comes back after it.
        { status: 429, rate: options.faultRate * 0.05, retryAfterSeconds: 30 },
        { status: 503, rate: options.faultRate * 0.15, retryAfterSeconds: 0 },
        { status: 500, rate: options.faultRate * 0.2 },
        { status: 502, rate: options.faultRate * 0.1 },
      ],
      dropResponse: [{ rate: options.faultRate * 0.2 }],
      notifications: { drop: options.dropRate, duplicate: 0.15, copies: 3, reorder: true },
    }),
    workplace: {
      errors: [
        { status: 429 as const, rate: options.faultRate * 0.3, retryAfterSeconds: 0 },
        { status: 503 as const, rate: options.faultRate * 0.2 },
        { status: 500 as const, rate: options.faultRate * 0.3 },
      ],
      dropResponse: [{ rate: options.faultRate * 0.2 }],
      webhooks: { drop: options.dropRate, duplicate: 0.15, copies: 3, delayMs: 0, reorder: true },
    },
  };
  const faults = (on: boolean): void => {
    graph.gate.setFaults(on ? requestFaults.graph : graphFaultsSchema.parse({}));
    workplace.setFaults(on ? requestFaults.workplace : {});
  };
  // A user's own requests go through (people retry by hand); what they cause is still subject to
  // dropped notifications and webhooks.
  let chaosOn = false;
  const withoutRequestFaults = async <T>(work: () => Promise<T>): Promise<T> => {
    if (!chaosOn) return work();
    graph.gate.setFaults({ ...requestFaults.graph, errors: [], dropResponse: [] });
    workplace.setFaults({ ...requestFaults.workplace, errors: [], dropResponse: [] });
    try {
      return await work();
    } finally {
      faults(true);
    }
  };

  const scheduler = new Scheduler({
    random: stream('scheduler'),
    killRate: options.killRate,
    afterCall: takeIn,
    onKill: (job, before) => {
      stats.kills += 1;
      trace.push(`  ${job} killed before ${before}`);
    },
    onCall: (job, what) => {
      if (WRITES.has(what)) stats.serviceWrites += 1;
      // Every call in the trace, when debugging a seed (FUZZ_CALLS=1); not part of a normal trace.
      if (process.env['FUZZ_CALLS'] === '1') trace.push(`    ${job} ${what}`);
    },
  });

  const gatedStore = (job: JobHandle): Store =>
    Object.fromEntries(
      Object.entries(service.store).map(([key, value]) => [
        key,
        typeof value === 'object' && value !== null ? job.gate(value as object, `store.${key}`) : value,
      ]),
    ) as unknown as Store;

  const worker = (q: Queued): Parameters<Scheduler['run']>[0][number] => ({
    name: describe(q.message),
    killable: true,
    work: async (job) => {
      stats.attempts += 1;
      const deps: SyncDeps = {
        store: gatedStore(job),
        exchange: job.gate(service.graph, 'graph'),
        workplace: job.gate(service.workplace, 'workplace'),
        queue: {
          enqueue: (m, o) =>
            job.call('queue.put', () => {
              queue.put(m, o?.visibilityTimeoutSeconds);
              return Promise.resolve();
            }),
        },
        logger: logger.child({ correlationId: q.message.correlationId, kind: q.message.kind }),
        clock: { now },
        effects: ignoreEffects,
        horizonDays: 365,
      };
      const label = `${job.name} try ${String(q.dequeueCount)}`;
      try {
        await processSyncMessage(q.message, {
          deps,
          roomCheckDelaySeconds: 2,
          sleep: () => Promise.resolve(),
          random: stream(`worker-${String(q.id)}-${String(q.dequeueCount)}`).next,
        });
        queue.complete(q);
        stats.completed += 1;
        trace.push(`  ${label}: done`);
      } catch (err) {
        const name =
          err instanceof WorkerKilled ? 'WorkerKilled' : err instanceof Error ? err.name : 'unknown';
        stats.failures[name] = (stats.failures[name] ?? 0) + 1;
        const fate = queue.fail(q);
        if (fate === 'poison') stats.poisoned += 1;
        trace.push(`  ${label}: ${name}${fate === 'poison' ? ' -> poison' : ''}`);
        if (!(err instanceof WorkerKilled))
          logs.push(
            `failed try of ${label}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
          );
      }
    },
  });

  const user = (): Parameters<Scheduler['run']>[0][number] => ({
    name: 'user',
    killable: false,
    work: async (job) => {
      const done = await act(model, stream(`user-${String(stats.actions)}`), people, (what, work) =>
        job.call(`user: ${what}`, () => withoutRequestFaults(work)),
      );
      trace.push(`  user: ${done}`);
    },
  });

  const sweep = (room: Room): void => {
    stats.sweeps += 1;
    queue.put({ v: 1, correlationId: nextCorrelation(), kind: 'reconcile', room: room.email });
  };

  // Chaos.
  chaosOn = true;
  faults(true);
  let actionsLeft = options.actions;
  while (actionsLeft > 0) {
    stats.rounds += 1;
    queue.now += 250;
    const jobs = [];
    if (chaos.chance(0.4)) {
      actionsLeft -= 1;
      stats.actions += 1;
      jobs.push(user());
    }
    if (chaos.chance(0.03)) {
      graph.calendarView.expire(undefined);
      stats.tokenExpiries += 1;
      trace.push(`r${String(stats.rounds)} delta tokens expired`);
    }
    if (chaos.chance(0.05)) sweep(chaos.pick(ROOMS));
    jobs.push(...queue.take(1 + chaos.int(3), queueRandom).map(worker));
    if (jobs.length === 0) continue;
    trace.push(`r${String(stats.rounds)}`);
    await scheduler.run(jobs);
  }

  // Calm: the faults stop, as outages do; what is queued drains; poison is replayed; two sweeps.
  chaosOn = false;
  faults(false);
  scheduler.options.killRate = 0;
  const drain = async (phase: string): Promise<void> => {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const taken = queue.take(3, queueRandom);
      if (taken.length === 0) {
        if (!queue.advance()) return;
        continue;
      }
      trace.push(`${phase} ${String(round)}`);
      await scheduler.run(taken.map(worker));
    }
    problems.push(`the queue did not empty within ${String(MAX_ROUNDS)} rounds (${phase})`);
  };
  await drain('calm');
  stats.replayed += queue.replayPoison();
  await drain('replayed');
  for (const pass of ['sweep 1', 'sweep 2']) {
    for (const room of ROOMS) sweep(room);
    await drain(pass);
  }
  if (queue.poison.length > 0)
    problems.push(`${String(queue.poison.length)} messages poisoned in the calm phase`);

  const from = firstDay.minus({ days: 1 }).toJSDate();
  const to = firstDay.plus({ days: 40 }).toJSDate();
  for (const d of await differences(model, people, from, to)) {
    problems.push(`${d.room} in ${d.side}: missing [${d.missing.join('; ')}] extra [${d.extra.join('; ')}]`);
  }
  if (problems.length > 0 && process.env['FUZZ_DUMP'] === '1') await dump();
  const before = stats.serviceWrites;
  for (const room of ROOMS) sweep(room);
  await drain('quiet sweep');
  if (stats.serviceWrites > before) {
    problems.push(`a sweep after agreement still wrote ${String(stats.serviceWrites - before)} times`);
  }
  const bound = 12 * stats.actions + 20;
  if (stats.serviceWrites > bound) {
    problems.push(
      `${String(stats.serviceWrites)} writes for ${String(stats.actions)} user actions: a write loop?`,
    );
  }

  /** Both sides and the links, raw, for debugging a seed (FUZZ_DUMP=1). */
  async function dump(): Promise<void> {
    for (const room of ROOMS) {
      const items = (await users.graph.api(`/users/${room.email}/events`).top(100).get()) as {
        value: Record<string, unknown>[];
      };
      for (const e of items.value) {
        logs.push(
          `DUMP event ${room.email} ${JSON.stringify({ id: e['id'], subject: e['subject'], organizer: e['organizer'], attendees: e['attendees'], isCancelled: e['isCancelled'], type: e['type'] })}`,
        );
      }
    }
    for await (const r of users.workplace.listReservations({})) {
      logs.push(`DUMP reservation ${JSON.stringify(r)}`);
      logs.push(`DUMP link ${JSON.stringify((await service.store.links.byReservation(r.id))?.value)}`);
    }
  }

  stats.injected = {
    ...Object.fromEntries(Object.entries(graph.gate.injected).map(([k, v]) => [`graph ${k}`, v])),
    ...Object.fromEntries(Object.entries(workplace.injected()).map(([k, v]) => [`workplace ${k}`, v])),
    'workplace webhook:dropped': workplace.stats().webhooks.dropped,
    'workplace webhook:duplicated': workplace.stats().webhooks.duplicated,
  };
  return {
    seed,
    ok: problems.length === 0,
    problems,
    trace,
    digest: createHash('sha256').update(trace.join('\n')).digest('hex').slice(0, 16),
    stats,
    ms: Date.now() - began,
    logs,
  };
}

function describe(m: SyncMessage): string {
  switch (m.kind) {
    case 'graphChange':
      return `graphChange ${m.room} ${m.changeType}`;
    case 'workplaceChange':
      return `workplaceChange ${m.reservationId} v${String(m.version ?? '?')}`;
    case 'reconcile':
    case 'backfill':
      return `${m.kind} ${m.room}`;
    case 'roomCheck':
      return 'roomCheck';
  }
}
