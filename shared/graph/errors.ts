import { GraphError as SdkGraphError } from '@microsoft/microsoft-graph-client';
import {
  NotFound,
  Refused,
  SideFailure,
  Stale,
  SyncStateExpired,
  Throttled,
  Unauthorized,
  Unavailable,
  type SideError,
} from '../errors';

/** Retry-After in ms from its header value (seconds, possibly fractional); a minute when absent or unreadable. */
function retryAfterMs(value: string | null | undefined): number {
  const seconds = value ? Number(value) : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 60_000;
}

/**
 * The typed failure (shared/errors.ts, side `exchange`) for a Graph status and error code: what a failed
 * request maps to, and what one answer inside a `$batch` envelope maps to (there the SDK sees only the
 * envelope's 200). A throttled answer always carries a wait: Graph's Retry-After, else a minute.
 */
export function failureOf(
  status: number,
  code: string,
  message: string,
  retryAfter?: string | null,
): SideError {
  if (status === 404) return new NotFound('exchange', status, code, message);
  if (status === 412 || code.toLowerCase() === 'errorirresolvableconflict')
    return new Stale('exchange', status, code, message);
  if (status === 410 || /syncstatenotfound|resyncrequired|syncstateinvalid/i.test(code)) {
    return new SyncStateExpired('exchange', status, code, message);
  }
  if (status === 429 || status === 503)
    return new Throttled('exchange', status, code, message, retryAfterMs(retryAfter));
  if (status === 401 || status === 403) return new Unauthorized('exchange', status, code, message);
  if (status === 400) return new Refused('exchange', status, code, message);
  if (status >= 500 || status <= 0) return new Unavailable('exchange', status, code, message);
  return new SideFailure('exchange', status, code, message);
}

/** The typed failure for whatever a Graph call threw; anything not from Graph is rethrown as is. */
export function graphFailure(err: unknown, what: string): unknown {
  if (!(err instanceof SdkGraphError)) return err;
  const code = err.code ?? String(err.statusCode);
  const message = `${what}: ${String(err.statusCode)} ${code}: ${err.message}`;
  return failureOf(err.statusCode, code, message, err.headers?.get('retry-after'));
}
