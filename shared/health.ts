import type { StorageClients } from './storage';
import type { RefusalSummary } from './store';

export interface HealthCheck {
  name: string;
  ok: boolean;
  durationMs: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'failing';
  checks: HealthCheck[];
  /**
   * Registered rooms and how many need attention (subscription, sync, errors, mailbox settings; the
   * status page has the detail). Informational: it does not change `status`, which says whether this
   * instance can work, so a load balancer does not take it out for one room's problem. Absent when it
   * could not be read in time.
   */
  rooms?: RoomsSummary;
  /**
   * Workplace webhooks refused for their signature or timestamp in the last 24 hours, over every
   * instance (a rotated secret refuses them all). Informational like `rooms`; absent when unreadable.
   */
  webhooks?: { refused: RefusalSummary };
  /** When the report was made: it is reused for a few seconds (cachedHealth). */
  checkedAt: string;
}

export interface RoomsSummary {
  registered: number;
  withProblems: number;
}

async function timed(
  name: string,
  timeoutMs: number,
  probe: (signal: AbortSignal) => Promise<unknown>,
): Promise<HealthCheck> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await probe(signal);
    return { name, ok: true, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      name,
      ok: false,
      durationMs: Math.round(performance.now() - started),
      error: describe(err, signal),
    };
  }
}

// Only the error's kind goes into the report: storage errors can echo request URLs, and the health
// endpoint is anonymous.
function describe(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'timed out';
  if (err && typeof err === 'object') {
    const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
    if (typeof statusCode === 'number')
      return `HTTP ${statusCode}${typeof code === 'string' ? ` ${code}` : ''}`;
    if (typeof code === 'string') return code;
  }
  return 'unreachable';
}

async function withinTime<T>(work: () => Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([work().catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes each dependency the service cannot work without, in parallel, each within `timeoutMs`; with
 * `rooms`, adds the rooms summary it reads (within the same time, else left out).
 */
export async function checkHealth(
  storage: StorageClients,
  timeoutMs = 2000,
  options: {
    rooms?: () => Promise<RoomsSummary>;
    webhookRefusals?: () => Promise<RefusalSummary>;
    now?: () => Date;
  } = {},
): Promise<HealthReport> {
  const { rooms, webhookRefusals } = options;
  const [checks, summary, refused] = await Promise.all([
    Promise.all([
      timed('tableStorage', timeoutMs, (abortSignal) => storage.tables.getProperties({ abortSignal })),
      timed('queueStorage', timeoutMs, (abortSignal) => storage.queues.getProperties({ abortSignal })),
    ]),
    rooms ? withinTime(rooms, timeoutMs) : Promise.resolve(undefined),
    webhookRefusals ? withinTime(webhookRefusals, timeoutMs) : Promise.resolve(undefined),
  ]);
  return {
    status: checks.every((check) => check.ok) ? 'ok' : 'failing',
    checks,
    ...(summary ? { rooms: summary } : {}),
    ...(refused ? { webhooks: { refused } } : {}),
    checkedAt: (options.now?.() ?? new Date()).toISOString(),
  };
}

/**
 * The health endpoint is anonymous, so anyone can call it as often as they like: a report is made at
 * most once per `ttlMs` (`failingTtlMs` when failing, so a recovery shows soon) and shared by every
 * call meanwhile, including the calls that arrive while it is being made. Caching beats counters kept
 * elsewhere here: whether a room needs attention depends on the time (a subscription about to expire, a
 * sync gone quiet), which no counter written at sync time can know, and the report's reads (three table
 * scans, two service probes, the refusal rows) then cost the same for one caller or a thousand.
 */
export function cachedHealth(
  make: () => Promise<HealthReport>,
  options: { ttlMs?: number; failingTtlMs?: number; now?: () => number } = {},
): () => Promise<HealthReport> {
  const ttlMs = options.ttlMs ?? 10_000;
  const failingTtlMs = options.failingTtlMs ?? 2000;
  const now = options.now ?? Date.now;
  let current: { report: Promise<HealthReport>; until: number } | undefined;
  return () => {
    if (current && current.until > now()) return current.report;
    const entry = { report: make(), until: Number.POSITIVE_INFINITY };
    current = entry;
    entry.report.then(
      (report) => {
        entry.until = now() + (report.status === 'ok' ? ttlMs : failingTtlMs);
      },
      () => {
        // A report that could not be made is not kept: the next call tries again.
        if (current === entry) current = undefined;
      },
    );
    return entry.report;
  };
}
