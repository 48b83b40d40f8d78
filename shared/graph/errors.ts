import { GraphError as SdkGraphError } from '@microsoft/microsoft-graph-client';

/**
 * Graph failures, one class per decision: gone (NotFound), re-read (Stale), refused input (Invalid),
 * permission (Forbidden/Unauthorized), come back later (Throttled, with Graph's Retry-After, so the
 * queue message can be made visible again after it instead of holding a worker), delta token expired
 * (SyncStateNotFound: full resync), and Unavailable for the rest of the 5xx.
 */
export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class GraphNotFound extends GraphFailure {}
export class GraphStale extends GraphFailure {}
export class GraphInvalid extends GraphFailure {}
export class GraphForbidden extends GraphFailure {}
export class GraphSyncStateNotFound extends GraphFailure {}
export class GraphUnavailable extends GraphFailure {}
export class GraphThrottled extends GraphFailure {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(status, code, message);
  }
}

/** Retry-After in ms from its header value (seconds, possibly fractional); a minute when absent or unreadable. */
function retryAfterMs(value: string | null | undefined): number {
  const seconds = value ? Number(value) : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 60_000;
}

/**
 * The typed failure for a Graph status and error code: what a failed request maps to, and what one
 * answer inside a `$batch` envelope maps to (there the SDK sees only the envelope's 200).
 */
export function failureOf(
  status: number,
  code: string,
  message: string,
  retryAfter?: string | null,
): GraphFailure {
  if (status === 404) return new GraphNotFound(status, code, message);
  if (status === 412 || code.toLowerCase() === 'errorirresolvableconflict')
    return new GraphStale(status, code, message);
  if (status === 410 || /syncstatenotfound|resyncrequired|syncstateinvalid/i.test(code)) {
    return new GraphSyncStateNotFound(status, code, message);
  }
  if (status === 429 || status === 503)
    return new GraphThrottled(status, code, message, retryAfterMs(retryAfter));
  if (status === 401 || status === 403) return new GraphForbidden(status, code, message);
  if (status === 400) return new GraphInvalid(status, code, message);
  if (status >= 500 || status <= 0) return new GraphUnavailable(status, code, message);
  return new GraphFailure(status, code, message);
}

/** The typed failure for whatever a Graph call threw; anything not from Graph is rethrown as is. */
export function graphFailure(err: unknown, what: string): unknown {
  if (!(err instanceof SdkGraphError)) return err;
  const code = err.code ?? String(err.statusCode);
  const message = `${what}: ${String(err.statusCode)} ${code}: ${err.message}`;
  return failureOf(err.statusCode, code, message, err.headers?.get('retry-after'));
}
