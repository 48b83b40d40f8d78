import { z } from 'zod';
import { applyImport, type Outcome } from './actions';
import type { Clock } from './clock';
import type { FaultGate } from './faults';
import { decodeClob, logKeys } from './import-payloads';
import type { ImportLogEntry } from './model';
import type { Profile } from './profile';
import type { Store } from './store';

/**
 * `createupdate/ImportItem` (notes items 23-29): the item is stored as a log entry and answered with that
 * entry's id (never the reservation's). In the async profile the consultant's logic runs later, one
 * item at a time in FIFO order; in the sync profile (S1c) it runs inside the call.
 */

interface Queued {
  entryId: string;
  dueAt: number;
  datasource: string;
  action: string;
  clob: unknown;
}

export interface ImportDeps {
  store: Store;
  clock: Clock;
  profile: () => Profile;
  faults: FaultGate;
  random: () => number;
}

export interface ImportCounters {
  submitted: number;
  processed: number;
  failed: number;
  lost: number;
  duplicated: number;
}

/** The ImportItem object's fields; wrong types are stored empty and fail later, in the log. */
const outerSchema = z.looseObject({
  datasource: z.string().catch(''),
  stringValue: z.string().catch(''),
  clobMBValue: z.unknown(),
});

const emptyCounters = (): ImportCounters => ({
  submitted: 0,
  processed: 0,
  failed: 0,
  lost: 0,
  duplicated: 0,
});

export class ImportQueue {
  paused = false;
  counters = emptyCounters();
  private queue: Queued[] = [];

  constructor(private readonly deps: ImportDeps) {}

  /** The 200 body for one `createupdate/ImportItem` call, and the action it named (for stats). */
  submit(body: unknown): { answer: Record<string, string>; action: string } {
    const outer = outerSchema.safeParse(body);
    if (!outer.success)
      return { answer: { response: 'none', errorMessage: 'Cannot create new object' }, action: '' };
    const item: Queued = {
      entryId: this.deps.store.nextId(),
      dueAt: this.dueAt(),
      datasource: outer.data.datasource,
      action: outer.data.stringValue,
      clob: outer.data.clobMBValue,
    };
    const decoded = decodeClob(item.clob);
    const now = this.deps.clock.now();
    this.deps.store.saveLog({
      id: item.entryId,
      datasource: item.datasource,
      action: item.action,
      ...logKeys(decoded.ok ? decoded.json : undefined),
      status: 'Pending',
      error: '',
      warning: '',
      reservationId: '',
      created: now,
      processed: null,
    });
    this.counters.submitted += 1;
    if (this.deps.profile().importMode === 'sync') {
      const outcome = this.run(item);
      const answer: Record<string, string> = outcome.ok
        ? { response: outcome.response, id: item.entryId }
        : { response: 'none', errorMessage: outcome.error };
      if (outcome.warning) answer.warningMessage = outcome.warning;
      return { answer, action: item.action };
    }
    // A lost item keeps its Pending log entry for ever and nothing says why (notes §4 item 16).
    if (this.deps.faults.importFault('lose')) this.counters.lost += 1;
    else this.queue.push(item);
    return { answer: { id: item.entryId }, action: item.action };
  }

  /** Processes the items that are due, in order, unless paused. */
  tick(): void {
    const now = this.deps.clock.now();
    while (!this.paused && this.queue[0] !== undefined && this.queue[0].dueAt <= now) this.processHead();
  }

  /** Processes up to `count` items (default: those queued now) at once, due or not, paused or not. */
  process(count?: number): number {
    const limit = Math.min(count ?? this.queue.length, this.queue.length);
    for (let done = 0; done < limit; done += 1) this.processHead();
    return limit;
  }

  /** Resolves when the queue is empty (by the normal processing) or after `timeoutMs`. */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 && Date.now() < deadline) {
      this.tick();
      if (this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.queue.length === 0;
  }

  describe(): { paused: boolean; pending: { id: string; action: string; dueAt: string }[] } & ImportCounters {
    return {
      paused: this.paused,
      pending: this.queue.map((item) => ({
        id: item.entryId,
        action: item.action,
        dueAt: new Date(item.dueAt).toISOString(),
      })),
      ...this.counters,
    };
  }

  reset(): void {
    this.queue = [];
    this.paused = false;
    this.counters = emptyCounters();
  }

  private dueAt(): number {
    const { processingDelayMs, processingJitterMs } = this.deps.profile();
    return this.deps.clock.now() + processingDelayMs + Math.floor(this.deps.random() * processingJitterMs);
  }

  private processHead(): void {
    const item = this.queue.shift();
    if (!item) return;
    this.run(item);
    // A second delivery goes to the back of the queue, so it may undo a later item's change.
    if (this.deps.faults.importFault('duplicate')) {
      this.counters.duplicated += 1;
      this.queue.push({ ...item, dueAt: this.dueAt() });
    }
  }

  private run(item: Queued): Outcome {
    const profile = this.deps.profile();
    const outcome = ((): Outcome => {
      if (item.datasource !== profile.datasource)
        return failure(`No import logic for datasource '${item.datasource}'`);
      const decoded = decodeClob(item.clob);
      if (!decoded.ok) return failure('clobMBValue is not valid base64 JSON');
      return applyImport(this.deps.store, profile, item.action, decoded.json);
    })();
    const entry = this.deps.store.log.get(item.entryId);
    if (entry) this.deps.store.saveLog(this.finish(entry, outcome));
    if (outcome.ok) this.counters.processed += 1;
    else this.counters.failed += 1;
    return outcome;
  }

  private finish(entry: ImportLogEntry, outcome: Outcome): ImportLogEntry {
    return {
      ...entry,
      status: outcome.ok ? 'Processed' : 'Failed',
      error: outcome.error,
      warning: outcome.warning,
      reservationId: outcome.reservationId,
      processed: this.deps.clock.now(),
    };
  }
}

const failure = (error: string): Outcome => ({
  ok: false,
  error,
  warning: '',
  reservationId: '',
  response: 'none',
});
