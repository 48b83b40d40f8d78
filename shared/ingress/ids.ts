import { z } from 'zod';

/**
 * Ids that arrive from outside (Graph's subscription and event ids, Workplace's reservation and delivery
 * ids) and are later put into table keys and URL paths. An id that cannot be one is refused where it
 * arrives, so it is never queued for a worker to fail on: a lone UTF-16 surrogate makes
 * `encodeURIComponent` throw (a 500 at the table read, a poisoned message in the worker), `.` and `..`
 * survive it and walk URL paths, control characters are refused by Azure Tables, and a long id in
 * non-ASCII text exceeds a table key's 1 KiB once escaped.
 *
 * Every id these systems make is printable ASCII: Graph's subscription ids are GUIDs and its event ids
 * base64 (`+`, `/`, `=`, `-`, `_` included); Workplace's are UUIDs or short references (`r-123`).
 */

const PRINTABLE_ASCII = /^[\x21-\x7E]+$/;

export function isSafeId(value: string, maxLength: number): boolean {
  return value.length <= maxLength && PRINTABLE_ASCII.test(value) && value !== '.' && value !== '..';
}

/** A string that is a safe id of at most `maxLength` characters. */
export function safeId(maxLength: number): z.ZodType<string> {
  return z.string().refine((value) => isSafeId(value, maxLength), {
    message: `not an id (1 to ${String(maxLength)} printable ASCII characters, not . or ..)`,
  });
}
