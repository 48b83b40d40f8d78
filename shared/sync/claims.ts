import type { LinkRecord, Versioned } from '../store';
import type { SyncDeps } from './ports';
import type { ClaimKey } from './triage';

/** Another worker claimed this booking and has not written its link yet: try again shortly. */
export class LinkInProgress extends Error {
  constructor(key: string) {
    super(`another worker is linking booking ${key}`);
    this.name = 'LinkInProgress';
  }
}

/**
 * The link of a booking seen without one, by its keys in order: an existing link is used; a key claimed
 * by a worker still making its link means wait (LinkInProgress); otherwise the keys are claimed for the
 * candidate link, and a lost claim means another worker got there first.
 */
export async function resolveLink(
  keys: ClaimKey[],
  candidate: string,
  deps: Pick<SyncDeps, 'store' | 'clock'>,
): Promise<Versioned<LinkRecord> | undefined> {
  const links = deps.store.links;
  for (const [kind, key] of keys) {
    const found = await links.lookup(kind, key);
    if (found.state === 'linked') return found.link;
    if (found.state === 'pending') {
      // A claim whose worker died long ago is taken over; a fresh one is waited for.
      if ((await links.claim(kind, key, candidate, deps.clock.now())) !== candidate)
        throw new LinkInProgress(key);
    }
  }
  for (const [kind, key] of keys) {
    const winner = await links.claim(kind, key, candidate, deps.clock.now());
    if (winner !== candidate) {
      const link = await links.get(winner);
      if (!link) throw new LinkInProgress(key);
      return link;
    }
  }
  return undefined;
}
