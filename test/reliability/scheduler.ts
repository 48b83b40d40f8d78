import type { Random } from './random';

/**
 * Deterministic concurrency. Several jobs (queue workers, a user at a keyboard) run "at once", but every
 * call a job makes to the outside world (store, Graph, Workplace, the queue) first waits for its turn,
 * and the scheduler lets exactly one call run at a time, picking whose turn it is from a seeded stream.
 * Interleavings are thereby as varied as a real host's (a worker can lose a race between its read and
 * its write) and yet replay exactly. A turn can also kill its job instead: the call and every later one
 * throw WorkerKilled without touching anything, as if the process had died between two steps.
 */

export class WorkerKilled extends Error {
  constructor(what: string) {
    super(`worker killed before ${what}`);
    this.name = 'WorkerKilled';
  }
}

interface Job {
  name: string;
  state: 'running' | 'waiting' | 'done';
  killable: boolean;
  dead: boolean;
  resume?: (kill: boolean) => void;
  waitingFor?: string;
  /** The job's last call: a job's calls take their turns one after another (see `call`). */
  tail: Promise<void>;
}

export interface SchedulerOptions {
  random: Random;
  /** Chance that a killable job's turn kills it instead. */
  killRate: number;
  /** Runs after every call (the emulators' background work settled, deliveries taken in). */
  afterCall(): Promise<void>;
  onKill?(job: string, before: string): void;
  /** A call about to run on its turn. */
  onCall?(job: string, what: string): void;
}

export class Scheduler {
  private jobs: Job[] = [];
  private wake: (() => void) | undefined;

  constructor(readonly options: SchedulerOptions) {}

  /** Runs the jobs interleaved; resolves when all are done, with each one's outcome. */
  async run(
    specs: { name: string; killable: boolean; work: (job: JobHandle) => Promise<void> }[],
  ): Promise<PromiseSettledResult<void>[]> {
    this.jobs = specs.map((s) => ({
      name: s.name,
      state: 'running',
      killable: s.killable,
      dead: false,
      tail: Promise.resolve(),
    }));
    const settled = Promise.allSettled(
      specs.map(async (spec, i) => {
        const job = this.jobs[i] as Job;
        try {
          await spec.work(this.handle(job));
        } finally {
          job.state = 'done';
          this.changed();
        }
      }),
    );
    for (;;) {
      await this.quiet();
      const waiting = this.jobs.filter((j) => j.state === 'waiting');
      if (waiting.length === 0) break;
      const next = this.options.random.pick(waiting);
      const kill = next.killable && !next.dead && this.options.random.chance(this.options.killRate);
      if (kill) {
        next.dead = true;
        this.options.onKill?.(next.name, next.waitingFor ?? '?');
      }
      next.state = 'running';
      next.resume?.(kill);
    }
    return settled;
  }

  /** Until no job is running (each is waiting for its turn, or done). */
  private async quiet(): Promise<void> {
    while (this.jobs.some((j) => j.state === 'running')) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private changed(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private handle(job: Job): JobHandle {
    return {
      name: job.name,
      call: async <T>(what: string, work: () => Promise<T>): Promise<T> => {
        // A job that makes several calls at once (a backfill syncs a few events together) makes them
        // one after another here: a job waits for one turn at a time. Its calls still interleave with
        // every other job's.
        const before = job.tail;
        let done = (): void => undefined;
        job.tail = new Promise<void>((resolve) => (done = resolve));
        try {
          await before;
          return await this.turn(job, what, work);
        } finally {
          done();
        }
      },
      gate: <T extends object>(target: T, prefix: string): T => gateObject(target, prefix, this.handle(job)),
    };
  }

  private async turn<T>(job: Job, what: string, work: () => Promise<T>): Promise<T> {
    if (job.dead) throw new WorkerKilled(what);
    job.waitingFor = what;
    const kill = await new Promise<boolean>((resolve) => {
      job.resume = resolve;
      job.state = 'waiting';
      this.changed();
    });
    if (kill) throw new WorkerKilled(what);
    this.options.onCall?.(job.name, what);
    try {
      return await work();
    } finally {
      await this.options.afterCall();
    }
  }
}

export interface JobHandle {
  name: string;
  /** One call to the outside world, made on the job's turn. */
  call<T>(what: string, work: () => Promise<T>): Promise<T>;
  /** The object with each method made on the job's turn. */
  gate<T extends object>(target: T, prefix: string): T;
}

/**
 * A view of `target` whose methods run on the job's turn: every method of the store's repositories and
 * the Graph and Workplace clients is async, and paged listings (async generators) take a turn per page.
 */
function gateObject<T extends object>(target: T, prefix: string, job: JobHandle): T {
  return new Proxy(target, {
    get(obj, key) {
      const value: unknown = Reflect.get(obj, key, obj);
      if (typeof value !== 'function') return value;
      const method = value as (...a: unknown[]) => unknown;
      const name = `${prefix}.${String(key)}`;
      if (method.constructor.name === 'AsyncGeneratorFunction') {
        return (...args: unknown[]): AsyncIterable<unknown> =>
          gateIterable(method.apply(obj, args) as AsyncIterator<unknown>, name, job);
      }
      return (...args: unknown[]): Promise<unknown> =>
        job.call(name, () => Promise.resolve(method.apply(obj, args)));
    },
  });
}

function gateIterable(
  iterator: AsyncIterator<unknown>,
  name: string,
  job: JobHandle,
): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => job.call(`${name}#next`, () => iterator.next()),
      return: async () => (await iterator.return?.()) ?? { done: true, value: undefined },
    }),
  };
}
