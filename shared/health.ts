import type { StorageClients } from './storage';

export interface HealthCheck {
  name: string;
  ok: boolean;
  durationMs: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'failing';
  checks: HealthCheck[];
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

/** Probes each dependency the service cannot work without, in parallel, each within `timeoutMs`. */
export async function checkHealth(storage: StorageClients, timeoutMs = 2000): Promise<HealthReport> {
  const checks = await Promise.all([
    timed('tableStorage', timeoutMs, (abortSignal) => storage.tables.getProperties({ abortSignal })),
    timed('queueStorage', timeoutMs, (abortSignal) => storage.queues.getProperties({ abortSignal })),
  ]);
  return { status: checks.every((check) => check.ok) ? 'ok' : 'failing', checks };
}
