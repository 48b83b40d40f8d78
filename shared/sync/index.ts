/** The sync: what a queue message about a booking comes to (shared/sync/README.md). */
export { processSyncMessage, MAX_RERUNS, MAX_WAITS, type WorkerEnv } from './worker';
export { syncGraphChange, type ListedEvent } from './exchange-change';
export { syncWorkplaceChange } from './workplace-change';
export { checkRooms } from './room-check';
export { backfillRoom, BACKFILL_CONCURRENCY, type BackfillOutcome } from './backfill';
export { reconcileRoom, type SweepOutcome } from './reconcile';
export { LinkInProgress } from './claims';
export { transactionIdFor, LEASE_MS } from './link-record';
export { syncWindow } from './window';
export type { SyncOutcome } from './settle';
export type * from './ports';
