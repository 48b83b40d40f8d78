import type { SyncDeps } from './ports';

/** The span bookings are kept in sync over: from yesterday to the horizon (design §5). */
export function syncWindow(deps: Pick<SyncDeps, 'clock' | 'horizonDays'>): { start: Date; end: Date } {
  const now = deps.clock.now().getTime();
  return { start: new Date(now - 86_400_000), end: new Date(now + deps.horizonDays * 86_400_000) };
}
