import { failureReason } from '../queue/poison';
import type { SyncMessage } from '../queue/messages';
import type { RoomOutcome, RoomRecord } from '../store';
import type { RunEffects } from '../sync/effects';
import { declineOf, safeText, subjectTreatment } from './detect';

/**
 * One outcome per room a sync message concerned, from what the run reported of its effects
 * (shared/sync/effects.ts), pure: what the worker writes to each room's status row, masked here once
 * (credentials and every address but the rooms').
 */
export interface RunReport {
  message: SyncMessage;
  effects: RunEffects;
  /** The registered rooms (the run's own read when it made one); unknown: no room is left out. */
  registered: RoomRecord[] | undefined;
  /** Writes to either side. */
  writes: number;
  /** What the message failed with, if it did. */
  error?: unknown;
  now: Date;
  /** When the queue took the message, if the host says: the lag's start for changes without a time. */
  insertedAt?: Date | undefined;
}

/** The time a change was made, when the message's own source says: the reservation's, for its webhook. */
function changedAt({ message, effects }: RunReport): Date | undefined {
  if (message.kind !== 'workplaceChange' || message.version === undefined) return undefined;
  const announced = effects.reservations.find((r) => r.version === message.version);
  const at = announced ? new Date(announced.updatedAt) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}

/** What a room's copies read in full say of its subjects: one stripped copy is the finding. */
function subjectOf(room: string, report: RunReport): RoomOutcome['subject'] {
  const found = (report.effects.copies.get(room) ?? []).map((event) => subjectTreatment(event, room));
  return found.find((t) => t === 'replaced' || t === 'prefixed') ?? found.find((t) => t === 'kept');
}

export function roomOutcomes(report: RunReport): RoomOutcome[] {
  const { message, effects, registered, now } = report;
  const emailOf = (roomId: string): string | undefined =>
    registered?.find((r) => r.workplaceRoomId === roomId)?.email;
  const known = registered ? new Set(registered.map((r) => r.email)) : undefined;
  const concerned = new Set<string>([
    ...('room' in message ? [message.room.toLowerCase()] : []),
    ...effects.rooms,
    ...[...effects.roomIds].flatMap((id) => emailOf(id) ?? []),
  ]);
  const since = changedAt(report) ?? report.insertedAt;
  const lagFrom = changedAt(report)
    ? ('workplaceChange' as const)
    : report.insertedAt
      ? ('queued' as const)
      : null;
  const reason = report.error === undefined ? undefined : safeText(failureReason(report.error), concerned);
  // A change made on one side, carried to the other; a room check or a sweep only tidies up after one
  // (and a room check waits on purpose), so its writes are not a change's lag.
  const isChange = message.kind === 'graphChange' || message.kind === 'workplaceChange';
  const isSweep = message.kind === 'reconcile' || message.kind === 'backfill';
  return [...concerned]
    .filter((room) => !known || known.has(room))
    .sort()
    .map((room): RoomOutcome => {
      // A room declined the booking when roomsync declined its line because its copy was not there (a
      // line declined because Exchange already had the slot booked is a clash, not a decline).
      const declines = effects.declines
        .filter((d) => emailOf(d.roomId) === room && effects.missing.has(room))
        .map((d) => declineOf(d.reservation, now));
      const subject = subjectOf(room, report);
      return {
        room,
        at: now,
        kind: message.kind,
        correlationId: message.correlationId,
        ...(reason === undefined ? {} : { error: reason }),
        ...(reason === undefined && report.writes > 0 && isChange
          ? {
              change: {
                lagMs: since ? Math.max(0, now.getTime() - since.getTime()) : null,
                lagFrom: since ? lagFrom : null,
              },
            }
          : {}),
        ...(reason === undefined && isSweep && 'room' in message && room === message.room.toLowerCase()
          ? { sweep: true }
          : {}),
        ...(subject ? { subject } : {}),
        ...(declines.length > 0 ? { declines } : {}),
      };
    });
}
