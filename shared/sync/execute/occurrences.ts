import { graphOccurrenceChanges } from '../../mapping';
import { zoneKey, type Booking } from '../../model';
import { samePattern } from '../../recurrence';
import type { SyncDeps } from '../ports';

const DAY_MS = 86_400_000;

/**
 * Whether writing `target` over `current` re-bases the series in Exchange, which then drops its
 * exceptions (they are written again): a new start, end or pattern does; a new end of the series alone
 * keeps them.
 */
export function rebases(current: Booking, target: Booking): boolean {
  if (current.recurrence === null || target.recurrence === null) return true;
  return (
    current.start.getTime() !== target.start.getTime() ||
    current.end.getTime() !== target.end.getTime() ||
    zoneKey(current.timeZone) !== zoneKey(target.timeZone) ||
    !samePattern(current.recurrence, target.recurrence)
  );
}

/**
 * Puts a series' exceptions into Exchange: each cancelled occurrence deleted and each changed one
 * patched, found by its original start among the series' instances (one paged read for all of them,
 * never a GET per occurrence). Only exceptions that differ from `current` are written. Returns the
 * number of writes.
 */
export async function writeOccurrences(
  room: string,
  masterId: string,
  target: Booking,
  current: Booking | undefined,
  deps: Pick<SyncDeps, 'exchange' | 'logger'>,
): Promise<number> {
  const have = new Map(
    (current ? graphOccurrenceChanges(current) : []).map((c) => [
      c.originalStart.getTime(),
      JSON.stringify(c),
    ]),
  );
  const todo = graphOccurrenceChanges(target).filter(
    (c) => have.get(c.originalStart.getTime()) !== JSON.stringify(c),
  );
  if (todo.length === 0) return 0;
  const times = todo.map((c) => c.originalStart.getTime());
  const instances = await deps.exchange.instances(
    room,
    masterId,
    new Date(Math.min(...times) - 2 * DAY_MS),
    new Date(Math.max(...times) + 2 * DAY_MS),
  );
  const byOriginalStart = new Map(
    instances.flatMap((i) => (typeof i.originalStart === 'string' ? [[Date.parse(i.originalStart), i]] : [])),
  );
  let writes = 0;
  for (const change of todo) {
    const occurrence = byOriginalStart.get(change.originalStart.getTime());
    if (!occurrence) {
      deps.logger.warn('No occurrence at an exception’s original start; skipped', {
        room,
        originalStart: change.originalStart.toISOString(),
      });
      continue;
    }
    if (change.action === 'cancel') await deps.exchange.deleteEvent(room, occurrence.id);
    else await deps.exchange.updateEvent(room, occurrence.id, change.body);
    writes += 1;
  }
  return writes;
}
