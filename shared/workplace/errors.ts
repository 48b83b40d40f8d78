/**
 * What a Workplace call fails with: the service's one error vocabulary (shared/errors.ts), side
 * `workplace`. Re-read on Stale, record a conflict on RoomConflict, treat NotFound as gone, stop and
 * alert on Unauthorized, retry later on Throttled / Unavailable, fix the mapping on Refused.
 */
export {
  NotFound,
  Refused,
  RoomConflict,
  SideError,
  SideFailure,
  Stale,
  Throttled,
  Unauthorized,
  Unavailable,
  UnexpectedAnswer,
} from '../errors';
