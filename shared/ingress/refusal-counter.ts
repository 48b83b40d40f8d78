import type { RefusalReason, RefusalRecord } from '../store';
import type { Logger } from '../telemetry/logger';

/**
 * Counts refused Workplace webhooks in memory and writes this instance's count for the hour at most
 * once per `flushIntervalMs` (shared/store/webhook-refusals.ts), so a flood of forged requests costs
 * one table write and one log line per interval, not one per request: the counter must not be an
 * amplifier itself. The refusal that finds a write due waits for it (a rotated secret's first refusal
 * is on record before its answer), for at most `waitMs`; the others only count, and a timer writes
 * what they added when the interval ends.
 */

export interface RefusalCounter {
  record(reason: RefusalReason): Promise<void>;
  /** Writes what is pending now (tests; a host shutting down). */
  flush(): Promise<void>;
}

export interface RefusalCounterOptions {
  save(row: RefusalRecord): Promise<void>;
  /** Drops old days; called when the first row of a new day is written. */
  prune?(now: Date): Promise<unknown>;
  /** This process's name in the table (one row per instance and hour). */
  instance: string;
  logger: Logger;
  flushIntervalMs?: number;
  waitMs?: number;
  now?: () => Date;
}

const hourOf = (at: Date): string => at.toISOString().slice(0, 13);

export function refusalCounter(options: RefusalCounterOptions): RefusalCounter {
  const interval = options.flushIntervalMs ?? 10_000;
  const waitMs = options.waitMs ?? 1000;
  const now = options.now ?? (() => new Date());
  let row: RefusalRecord | undefined;
  /** Refusals since the last write, for its log line. */
  let pending: Partial<Record<RefusalReason, number>> = {};
  let dirty = false;
  let lastWrite = Number.NEGATIVE_INFINITY;
  let writing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let prunedDay: string | undefined;
  let lastFailureLog = Number.NEGATIVE_INFINITY;

  const write = (): Promise<void> => {
    if (!row || !dirty) return Promise.resolve();
    const snapshot: RefusalRecord = { ...row, counts: { ...row.counts } };
    const refused = pending;
    dirty = false;
    pending = {};
    lastWrite = now().getTime();
    const day = snapshot.hour.slice(0, 10);
    writing = (async () => {
      try {
        await options.save(snapshot);
        options.logger.warn('Workplace webhooks refused (signature or timestamp)', {
          refused,
          hour: snapshot.hour,
          lastReason: snapshot.lastReason,
        });
        if (options.prune && prunedDay !== day) {
          prunedDay = day;
          await options.prune(now());
        }
      } catch (err) {
        // Counted again at the next write (the row holds the whole hour's count); logged once an interval.
        dirty = true;
        if (now().getTime() - lastFailureLog >= interval) {
          lastFailureLog = now().getTime();
          options.logger.error('Could not record refused Workplace webhooks', { refused, error: err });
        }
      } finally {
        writing = undefined;
        if (dirty) later();
      }
    })();
    return writing;
  };

  const later = (): void => {
    if (timer) return;
    const wait = Math.max(0, lastWrite + interval - now().getTime());
    timer = setTimeout(() => {
      timer = undefined;
      if (writing) {
        later();
        return;
      }
      void write();
    }, wait);
    // A pending count must not keep a process alive that is otherwise done.
    timer.unref();
  };

  return {
    async record(reason) {
      const at = now();
      const hour = hourOf(at);
      if (!row || row.hour !== hour) {
        // A new hour: the last one's row is complete once its pending count is written.
        await writing;
        if (row && dirty) await write();
        row = {
          hour,
          instance: options.instance,
          counts: { missingHeaders: 0, malformedHeaders: 0, staleTimestamp: 0, badSignature: 0 },
          lastAt: at.toISOString(),
          lastReason: reason,
        };
      }
      row.counts[reason] += 1;
      row.lastAt = at.toISOString();
      row.lastReason = reason;
      pending[reason] = (pending[reason] ?? 0) + 1;
      dirty = true;
      if (!writing && at.getTime() - lastWrite >= interval) {
        let timeout: NodeJS.Timeout | undefined;
        await Promise.race([
          write(),
          new Promise<void>((resolve) => {
            timeout = setTimeout(resolve, waitMs);
          }),
        ]);
        clearTimeout(timeout);
        return;
      }
      later();
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await writing;
      await write();
    },
  };
}
