import type { GraphEvent } from '../graph';
import { failureReason } from '../queue/poison';
import type { SyncMessage } from '../queue/messages';
import type { RoomOutcome, RoomRecord } from '../store';
import type { SyncDeps } from '../sync/ports';
import type { Reservation } from '../workplace';
import { declineOf, safeText, subjectTreatment } from './detect';

/**
 * What one sync message did to each room, watched from outside the sync: the worker runs the message
 * with these deps, whose Graph, Workplace and room-list calls are passed through untouched and their
 * answers looked at on the way back. So the status costs no extra Graph or Workplace call, and the sync
 * (shared/sync/run.ts, apply.ts) knows nothing of it.
 */

const GRAPH_CALLS = [
  'getEvent',
  'findByICalUId',
  'createEvent',
  'updateEvent',
  'deleteEvent',
  'declineEvent',
  'calendarView',
  'calendarViewDelta',
  'instances',
] as const;
const GRAPH_WRITES = new Set<string>(['createEvent', 'updateEvent', 'deleteEvent', 'declineEvent']);
const WORKPLACE_CALLS = [
  'getReservation',
  'createReservation',
  'replaceReservation',
  'cancelReservation',
  'declineLine',
] as const;
const WORKPLACE_WRITES = new Set<string>([
  'createReservation',
  'replaceReservation',
  'cancelReservation',
  'declineLine',
]);

type Seen = (method: string, args: unknown[], result: unknown) => void;

/**
 * `target` with the named (promise-returning) methods reported to `seen` after they succeed; every other
 * property, listings (async generators) included, is the target's own, bound to it.
 */
function tap<T extends object>(target: T, methods: readonly string[], seen: Seen): T {
  const watched = new Set(methods);
  return new Proxy(target, {
    get(obj, key) {
      const value: unknown = Reflect.get(obj, key, obj);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof key !== 'string' || !watched.has(key)) return method.bind(obj);
      return async (...args: unknown[]): Promise<unknown> => {
        const result = await method.apply(obj, args);
        seen(key, args, result);
        return result;
      };
    },
  });
}

export interface SyncProbe {
  /** The deps to run the message with. */
  deps: SyncDeps;
  /** One outcome per room the message concerned, once it is done (`error`: what it failed with). */
  outcomes(error?: unknown): Promise<RoomOutcome[]>;
}

const isDeclined = (event: GraphEvent): boolean =>
  (event['responseStatus'] as { response?: unknown } | undefined)?.response === 'declined';

/**
 * Watches one message. `insertedAt` is when the queue took it, when the host says (the lag's start for
 * changes that carry no time of their own).
 */
export function watchSync(message: SyncMessage, deps: SyncDeps, insertedAt?: Date): SyncProbe {
  /** Room mailboxes the message called Graph for (lowercase). */
  const mailboxes = new Set<string>();
  /** Workplace room ids of the reservations it read or wrote. */
  const roomIds = new Set<string>();
  /** Rooms whose copy it looked for and did not find (gone, or declined). */
  const missing = new Set<string>();
  const subjects = new Map<string, 'replaced' | 'prefixed' | 'kept'>();
  const declined: { roomId: string; reservation: Reservation }[] = [];
  let writes = 0;
  /** The time the change itself was made, when the message's own source says so. */
  let changedAt: Date | undefined;
  let rooms: RoomRecord[] | undefined;

  const exchange = tap(deps.exchange, GRAPH_CALLS, (method, args, result) => {
    const mailbox = typeof args[0] === 'string' ? args[0].toLowerCase() : undefined;
    if (!mailbox) return;
    mailboxes.add(mailbox);
    if (GRAPH_WRITES.has(method)) writes += 1;
    if (method !== 'getEvent' && method !== 'findByICalUId') return;
    const event = result as GraphEvent | undefined;
    if (!event || isDeclined(event)) {
      missing.add(mailbox);
      return;
    }
    const treatment = method === 'getEvent' ? subjectTreatment(event, mailbox) : undefined;
    // One stripped copy in a message is the finding, whatever other copies of the room said.
    if (treatment && subjects.get(mailbox) !== 'replaced' && subjects.get(mailbox) !== 'prefixed')
      subjects.set(mailbox, treatment);
  });

  const workplace = tap(deps.workplace, WORKPLACE_CALLS, (method, args, result) => {
    const reservation = result as Reservation | undefined;
    if (WORKPLACE_WRITES.has(method)) writes += 1;
    if (!reservation || typeof reservation !== 'object') return;
    for (const line of reservation.lines) roomIds.add(line.roomId);
    if (method === 'declineLine' && typeof args[1] === 'string')
      declined.push({ roomId: args[1], reservation });
    if (
      method === 'getReservation' &&
      message.kind === 'workplaceChange' &&
      message.version === reservation.version
    ) {
      // The version the webhook announced: its updatedAt is when the change was made in Workplace.
      const at = new Date(reservation.updatedAt);
      if (!Number.isNaN(at.getTime())) changedAt = at;
    }
  });

  const roomsRepository = tap(deps.store.rooms, ['list'], (_method, _args, result) => {
    rooms = result as RoomRecord[];
  });

  return {
    deps: { ...deps, exchange, workplace, store: { ...deps.store, rooms: roomsRepository } },
    async outcomes(error?: unknown): Promise<RoomOutcome[]> {
      // The sync read the registered rooms for almost every message; read them here only if it did not
      // and a Workplace room id needs its mailbox.
      if (!rooms && roomIds.size > 0) rooms = await deps.store.rooms.list();
      const registered = rooms ? new Set(rooms.map((r) => r.email)) : undefined;
      const emailOf = (roomId: string): string | undefined =>
        rooms?.find((r) => r.workplaceRoomId === roomId)?.email;
      const concerned = new Set<string>([
        ...('room' in message ? [message.room.toLowerCase()] : []),
        ...mailboxes,
        ...[...roomIds].flatMap((id) => emailOf(id) ?? []),
      ]);
      const now = deps.clock.now();
      // Lag: how long a change took from being made (Workplace's updatedAt of the version its webhook
      // announced) or else from being queued (the queue's insertion time, when the host passes it on) to
      // this worker having applied it to the other side; null when neither start is known.
      const lagFrom = changedAt ? ('workplaceChange' as const) : insertedAt ? ('queued' as const) : null;
      const since = changedAt ?? insertedAt;
      const reason = error === undefined ? undefined : safeText(failureReason(error), concerned);
      // A change made on one side, carried to the other; a room check or a sweep only tidies up after one
      // (and a room check waits on purpose), so its writes are not a change's lag.
      const changes = message.kind === 'graphChange' || message.kind === 'workplaceChange';
      return [...concerned]
        .filter((room) => !registered || registered.has(room))
        .sort()
        .map((room): RoomOutcome => {
          // A room declined the booking when roomsync declined its line because its copy was not there
          // (a line declined because Exchange already had the slot booked is a clash, not a decline).
          const declines = declined
            .filter((d) => emailOf(d.roomId) === room && missing.has(room))
            .map((d) => declineOf(d.reservation, now));
          const subject = subjects.get(room);
          return {
            room,
            at: now,
            kind: message.kind,
            correlationId: message.correlationId,
            ...(reason === undefined ? {} : { error: reason }),
            ...(reason === undefined && writes > 0 && changes
              ? {
                  change: {
                    lagMs: since ? Math.max(0, now.getTime() - since.getTime()) : null,
                    lagFrom: since ? lagFrom : null,
                  },
                }
              : {}),
            ...(subject ? { subject } : {}),
            ...(declines.length > 0 ? { declines } : {}),
          };
        });
    },
  };
}
