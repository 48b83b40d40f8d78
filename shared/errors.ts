import { inspect } from 'node:util';

/**
 * The one error vocabulary of the service: what a call to Exchange (Graph), Workplace or the store can
 * fail with, one class per decision a caller makes, each tagged with the side it came from. The sync
 * decides by kind (a lost race is `Stale` wherever it happened; a long `Throttled` comes back later)
 * and reports by side.
 *
 * - `NotFound`: the item is gone (for Exchange only `ErrorItemNotFound`: a mailbox-level 404 is
 *   `Unavailable`-like news about the room, not about the item).
 * - `Stale`: it changed since it was read (412, a lost ETag race): read again.
 * - `Throttled`: come back after `retryAfterMs` (when the side said).
 * - `Unavailable`: 5xx or no answer after the retries.
 * - `Refused`: the request broke the side's contract (400); `field` names the field when it says.
 * - `Unauthorized`: 401/403: credentials or permissions, an administrator's business.
 * - `RoomConflict`: Workplace's 409, a room taken at that time.
 * - `SyncStateExpired`: a delta token Graph no longer knows (410): list everything again.
 * - `UnexpectedAnswer`: a success whose body is not what the contract promises.
 */

export type ErrorSide = 'exchange' | 'workplace' | 'store';

const SIDE_NAMES: Record<ErrorSide, string> = { exchange: 'Graph', workplace: 'Workplace', store: 'Store' };

export abstract class SideError extends Error {
  constructor(
    readonly side: ErrorSide,
    /** The HTTP status, 0 when there was no answer. */
    readonly status: number,
    /** The side's own error code (Graph's `error.code`, Workplace's `code`), or the status as text. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    // `GraphNotFound`, `WorkplaceStale`…: the side and the kind in logs, poison reasons and the status page.
    this.name = `${SIDE_NAMES[side]}${new.target.kind}`;
  }

  static readonly kind: string = 'Failure';
}

/** Any other failure of a side: an answer the service did not expect (a 405, a 409 from Graph…). */
export class SideFailure extends SideError {
  static override readonly kind = 'Failure';
}
export class NotFound extends SideError {
  static override readonly kind = 'NotFound';
}
export class Stale extends SideError {
  static override readonly kind = 'Stale';
}
export class Unavailable extends SideError {
  static override readonly kind = 'Unavailable';
}
export class Unauthorized extends SideError {
  static override readonly kind = 'Unauthorized';
}
export class RoomConflict extends SideError {
  static override readonly kind = 'RoomConflict';
}
export class SyncStateExpired extends SideError {
  static override readonly kind = 'SyncStateExpired';
}
export class UnexpectedAnswer extends SideError {
  static override readonly kind = 'UnexpectedAnswer';
}
export class Refused extends SideError {
  static override readonly kind = 'Refused';
  constructor(
    side: ErrorSide,
    status: number,
    code: string,
    message: string,
    /** The field the side named as wrong, when it did. */
    readonly field?: string,
  ) {
    super(side, status, code, message);
  }
}
export class Throttled extends SideError {
  static override readonly kind = 'Throttled';
  constructor(
    side: ErrorSide,
    status: number,
    code: string,
    message: string,
    /** The side's word on when to come back; undefined when it gave none. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(side, status, code, message);
  }
}

/** Whatever was thrown, as an Error: an Error as it is, anything else wrapped with a readable message. */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  const text = typeof value === 'string' ? value : inspect(value, { depth: 2, breakLength: Infinity });
  const error = new Error(`thrown: ${text}`);
  error.name = 'NonError';
  return error;
}
