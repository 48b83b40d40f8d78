/**
 * What a Workplace call can fail with, one class per decision the sync makes: re-read on Stale, record a
 * conflict on RoomConflict, treat NotFound as gone, stop and alert on Unauthorized, retry later on
 * Throttled / Unavailable, fix the mapping on Invalid.
 */
export class WorkplaceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFound extends WorkplaceError {}
/** 409: a room is taken at that time. */
export class RoomConflict extends WorkplaceError {}
/** 412: the version in If-Match is no longer current; re-read and rebase. */
export class Stale extends WorkplaceError {}
/** 400: the request broke the contract; `field` names the field when Workplace says which. */
export class Invalid extends WorkplaceError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly field: string | undefined,
  ) {
    super(status, code, message);
  }
}
/** 401 / 403: the token or key is not accepted. */
export class Unauthorized extends WorkplaceError {}
/** 429 after the retries ran out; `retryAfterMs` is Workplace's last word on when to come back. */
export class Throttled extends WorkplaceError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(status, code, message);
  }
}
/** 5xx or no answer, after the retries ran out. */
export class Unavailable extends WorkplaceError {}
/** A 2xx whose body is not what the contract promises. */
export class UnexpectedResponse extends WorkplaceError {}
