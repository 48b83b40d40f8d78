import { createHash } from 'node:crypto';
import type { GraphGateway } from '../graph';
import type { RoomDirectory } from '../mapping';
import type { Store } from '../store';
import type { Logger } from '../telemetry/logger';
import type { WorkplaceClient } from '../workplace';

/** What a sync run needs from the outside world: passed in, so the logic is tested with real emulators. */
export interface SyncDeps {
  store: Store;
  graph: Pick<
    GraphGateway,
    'getEvent' | 'createEvent' | 'updateEvent' | 'deleteEvent' | 'declineEvent' | 'calendarView' | 'instances'
  >;
  workplace: Pick<
    WorkplaceClient,
    | 'getReservation'
    | 'createReservation'
    | 'replaceReservation'
    | 'cancelReservation'
    | 'declineLine'
    | 'listReservations'
  >;
  logger: Logger;
  now(): Date;
}

/** The registered rooms as a Workplace room id ↔ mailbox directory (only those roomsync syncs). */
export async function roomDirectory(store: Store): Promise<RoomDirectory & { emails: Set<string> }> {
  const rooms = await store.rooms.list();
  return {
    emails: new Set(rooms.map((r) => r.email)),
    roomEmail: (id) => rooms.find((r) => r.workplaceRoomId === id)?.email,
    workplaceRoomId: (email) => rooms.find((r) => r.email === email.toLowerCase())?.workplaceRoomId,
  };
}

/**
 * The transactionId of the event made for a reservation: a GUID derived from its id, so a create that
 * is retried (after a crash, a lost answer) returns the first event instead of making a second.
 */
export function transactionIdFor(reservationId: string): string {
  const hex = createHash('sha256').update(`roomsync:${reservationId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
