import { invalid } from './errors';
import type { Reservation } from './model';
import { overlaps, type Interval } from './occurrences';

/**
 * `GET /reservations`: filters, order (updatedAt, then id) and opaque cursors. A cursor carries the
 * filters of the first page and the last (updatedAt, id) seen, so a reservation changed while paging
 * moves behind the cursor and shows up again on a later page instead of being skipped.
 */

export interface ListQuery {
  roomId?: string;
  from?: string;
  to?: string;
  changedSince?: string;
  cursor?: string;
  limit?: number;
}

interface Position {
  filters: Omit<ListQuery, 'cursor' | 'limit'>;
  updatedAt: string;
  id: string;
}

const encode = (position: Position): string => Buffer.from(JSON.stringify(position)).toString('base64url');

function decode(cursor: string): Position {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Position>;
    if (
      typeof value.updatedAt === 'string' &&
      typeof value.id === 'string' &&
      typeof value.filters === 'object'
    )
      return value as Position;
  } catch {
    // fall through to the 400 below
  }
  throw invalid('cursor', 'The cursor is not one this server issued.');
}

const after = (r: Reservation, p: { updatedAt: string; id: string }): boolean =>
  r.updatedAt > p.updatedAt || (r.updatedAt === p.updatedAt && r.id > p.id);

export function listReservations(
  all: Reservation[],
  occupiedBy: (r: Reservation) => Interval[],
  query: ListQuery,
): { items: Reservation[]; nextCursor: string | null } {
  const position = query.cursor === undefined ? undefined : decode(query.cursor);
  const filters = position?.filters ?? {
    roomId: query.roomId,
    from: query.from,
    to: query.to,
    changedSince: query.changedSince,
  };
  const limit = query.limit ?? 50;
  const window: Interval = {
    start: filters.from === undefined ? -Infinity : Date.parse(filters.from),
    end: filters.to === undefined ? Infinity : Date.parse(filters.to),
  };
  const since = filters.changedSince === undefined ? undefined : Date.parse(filters.changedSince);
  const matching = all
    .filter((r) => (since === undefined ? !r.cancelled : Date.parse(r.updatedAt) > since))
    .filter((r) => filters.roomId === undefined || r.lines.some((l) => l.roomId === filters.roomId))
    .filter((r) => !position || after(r, position))
    .filter(
      (r) =>
        (filters.from === undefined && filters.to === undefined) ||
        occupiedBy(r).some((interval) => overlaps(interval, window)),
    )
    .sort((a, b) =>
      a.updatedAt === b.updatedAt ? (a.id < b.id ? -1 : 1) : a.updatedAt < b.updatedAt ? -1 : 1,
    );
  const items = matching.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      matching.length > limit && last ? encode({ filters, updatedAt: last.updatedAt, id: last.id }) : null,
  };
}
