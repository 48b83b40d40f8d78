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
  /** When the report was made. */
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
