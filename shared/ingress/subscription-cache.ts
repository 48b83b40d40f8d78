/**
 * A subscription's room and clientState, kept in memory for a few minutes: the notification endpoint
 * checks every item against them, and a table read per request was most of its acknowledgement time
 * (Graph wants an answer within 3 s, and a slow endpoint gets its notifications delayed or dropped).
 * Both fields never change for a subscription's life (renewal changes only its expiry); a subscription
 * deleted meanwhile is accepted for at most the TTL, and its changes are then dropped by the worker,
 * which syncs registered rooms only. Unknown ids are not remembered: a subscription made a moment ago
 * must be found as soon as it is saved.
 */
export interface SubscriptionFacts {
  room: string;
  clientState: string;
}

export function cachedSubscriptions(
  read: (id: string) => Promise<SubscriptionFacts | undefined>,
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
): (id: string) => Promise<SubscriptionFacts | undefined> {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const maxEntries = options.maxEntries ?? 50_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { facts: SubscriptionFacts; until: number }>();
  return async (id) => {
    const hit = cache.get(id);
    if (hit && hit.until > now()) return hit.facts;
    const found = await read(id);
    if (!found) {
      cache.delete(id);
      return undefined;
    }
    // Map keeps insertion order: the oldest entry goes first when full.
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value ?? '');
    const facts = { room: found.room, clientState: found.clientState };
    cache.set(id, { facts, until: now() + ttlMs });
    return facts;
  };
}
