import { Cron } from 'croner';
import type { Timer } from '@azure/functions';
import type { HostLogger } from './logger';
import type { TimerFunction } from './function-app';
import type { Invoker } from './invoke';

/** A timer that fires this much after its scheduled time is reported as past due. */
const PAST_DUE_AFTER_MS = 1000;

export interface TimerTrigger {
  start(): void;
  /** Runs the function now, outside its schedule (Azure's admin "run a non-HTTP function"). */
  runNow(): void;
  stop(graceMs: number): Promise<void>;
}

/**
 * Validates a timer schedule as Azure reads it: NCRONTAB with six fields
 * (`{second} {minute} {hour} {day} {month} {day-of-week}`), day-of-month and day-of-week both required to
 * match (NCRONTAB's rule), evaluated in UTC. The TimeSpan form (`hh:mm:ss`) only works on App Service
 * plans, not on Flex Consumption, so it is refused.
 */
export function parseSchedule(schedule: string): Cron {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `Timer schedule "${schedule}" must be an NCRONTAB expression with 6 fields (second minute hour day month day-of-week)`,
    );
  }
  try {
    return new Cron(schedule, { timezone: 'UTC', mode: '6-part', domAndDow: true, paused: true });
  } catch (err) {
    throw new Error(`Timer schedule "${schedule}" is invalid: ${(err as Error).message}`, { cause: err });
  }
}

export function createTimerTrigger(options: {
  fn: TimerFunction;
  invoker: Invoker;
  logger: HostLogger;
}): TimerTrigger {
  const { fn, invoker } = options;
  const logger = options.logger.child({ function: fn.name });
  // Refuse a bad schedule while the app loads, before anything starts listening.
  parseSchedule(fn.schedule).stop();
  let job: Cron | undefined;
  let last: Date | undefined;
  const running = new Set<Promise<void>>();

  function fire(scheduled: Date, startup: boolean): void {
    const now = new Date();
    const next = job?.nextRun(now) ?? null;
    const timer: Timer = {
      isPastDue: !startup && now.getTime() - scheduled.getTime() > PAST_DUE_AFTER_MS,
      schedule: { adjustForDST: true },
      scheduleStatus: {
        last: (last ?? scheduled).toISOString(),
        next: next?.toISOString() ?? '',
        lastUpdated: now.toISOString(),
      },
    };
    last = scheduled;
    const invocation = invoker
      .invoke(fn, timer)
      .then(() => undefined)
      .catch((err: unknown) => logger.error('Timer function failed', { error: err }))
      .finally(() => running.delete(invocation));
    running.add(invocation);
  }

  return {
    start() {
      // `protect` skips an occurrence while the previous run is still going, as the host never overlaps a timer.
      job = new Cron(
        fn.schedule,
        { timezone: 'UTC', mode: '6-part', domAndDow: true, protect: true },
        async (self: Cron) => {
          const scheduled = self.currentRun() ?? new Date();
          fire(scheduled, false);
          await Promise.all(running);
        },
      );
      if (fn.runOnStartup) fire(new Date(), true);
    },
    runNow() {
      fire(new Date(), true);
    },
    async stop(graceMs) {
      job?.stop();
      await Promise.race([
        Promise.all(running),
        new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    },
  };
}
