/**
 * A subscription's room and clientState, kept in memory for a few minutes: the notification endpoint
 * checks every item against them, and a table read per request was most of its acknowledgement time
 * (Graph wants an answer within 3 s, and a slow endpoint gets its notifications delayed or dropped).
 * Both fields never change for a subscription's life (renewal changes only its expiry); a subscription
 * deleted meanwhile is accepted for at most the TTL, and its changes are then dropped by the worker,
 * which syncs registered rooms only.
 *
 * Unknown ids are remembered too, for a short time (`unknownTtlMs`) and in bounded number: a
 * subscription roomsync no longer holds (its room unregistered while Graph kept it) or a caller
 * repeating made-up ids then costs one read per id and period instead of one per request. The price: a
 * subscription notified before it was saved (Graph answered its creation, the save had not landed yet)
 * is taken for unknown for that short time; the backfill queued after every new subscription and the
 * 15-minute sweep catch what those notifications said.
 */
export interface SubscriptionFacts {
  room: string;
  clientState: string;
}

export interface SubscriptionCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  unknownTtlMs?: number;
  maxUnknown?: number;
  now?: () => number;
}

/** `map` with `key` set last (a Map keeps insertion order), the oldest entry dropped when it is full. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value ?? '');
  map.set(key, value);
}

export function cachedSubscriptions(
  read: (id: string) => Promise<SubscriptionFacts | undefined>,
  options: SubscriptionCacheOptions = {},
): (id: string) => Promise<SubscriptionFacts | undefined> {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const maxEntries = options.maxEntries ?? 50_000;
  const unknownTtlMs = options.unknownTtlMs ?? 30_000;
  const maxUnknown = options.maxUnknown ?? 10_000;
  const now = options.now ?? Date.now;
  const known = new Map<string, { facts: SubscriptionFacts; until: number }>();
  const unknown = new Map<string, number>();
  return async (id) => {
    const hit = known.get(id);
    if (hit && hit.until > now()) return hit.facts;
    const missUntil = unknown.get(id);
    if (missUntil !== undefined && missUntil > now()) return undefined;
    const found = await read(id);
    if (!found) {
      known.delete(id);
      remember(unknown, id, now() + unknownTtlMs, maxUnknown);
      return undefined;
    }
    unknown.delete(id);
    const facts = { room: found.room, clientState: found.clientState };
    remember(known, id, { facts, until: now() + ttlMs }, maxEntries);
    return facts;
  };
}
