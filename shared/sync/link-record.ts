import { createHash, randomUUID } from 'node:crypto';
import type { GraphEvent } from '../graph/event';
import type { Side } from '../model';
import type { LinkRecord, Versioned } from '../store';

/** The link's bookkeeping, pure: what a new link holds, what a read or write adds, what it remembers. */

type Copy = LinkRecord['copies'][number];

export function newLink(origin: Side, reservationId: string | null = null): LinkRecord {
  return {
    id: randomUUID(),
    origin,
    organizerRoom: null,
    reservationId,
    iCalUId: null,
    copies: [],
    exchangeFingerprint: null,
    workplaceFingerprint: null,
    workplaceVersion: null,
    updatedAt: new Date(0).toISOString(),
  };
}

/** How many earlier changeKeys of a copy are remembered: enough for the writes of one sync run. */
const SEEN_LIMIT = 16;

/**
 * The link's copies with `room`'s copy now at `event`'s state; the changeKey it replaces, and `notified`
 * (a notification's changeKey the read was made after), are remembered as seen.
 */
export function recordCopy(
  copies: Copy[],
  room: string,
  event: Pick<GraphEvent, 'id' | 'changeKey'>,
  notified?: string,
): Copy[] {
  const before = copies.find((c) => c.room === room);
  const changeKey = event.changeKey ?? null;
  const earlier = [...(before?.seen ?? []), before?.changeKey ?? null, notified ?? null].filter(
    (key): key is string => key !== null && key !== changeKey,
  );
  const seen = [...new Set(earlier)].slice(-SEEN_LIMIT);
  return [
    ...copies.filter((c) => c.room !== room),
    { room, eventId: event.id, changeKey, ...(seen.length > 0 ? { seen } : {}) },
  ];
}

/** Whether a notification's changeKey names a state of the copy already read or written. */
export function alreadyRead(copy: Copy | undefined, changeKey: string | undefined): boolean {
  return changeKey !== undefined && (copy?.changeKey === changeKey || (copy?.seen ?? []).includes(changeKey));
}

/** A Workplace version the link already wrote or read: its webhook is an echo. */
export function alreadySeen(link: Versioned<LinkRecord> | undefined, version: number | undefined): boolean {
  const seen = link?.value.workplaceVersion ?? null;
  return version !== undefined && seen !== null && version <= seen;
}

/**
 * The transactionId of the event made for a reservation in its host room: a GUID derived from both, so a
 * create that is retried (after a crash, a lost answer) returns the first event instead of making a
 * second, and a booking that moves to another host room (its first room was taken off) gets a new one.
 */
export function transactionIdFor(reservationId: string, hostRoom: string): string {
  const hex = createHash('sha256').update(`roomsync:${reservationId}:${hostRoom}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * How long a write may hold a booking's link: longer than any write with its retries takes; a lease
 * outliving its worker (killed mid-write) keeps the booking's other changes waiting this long at most.
 */
export const LEASE_MS = 60_000;

export function leaseEnd(now: Date): Date {
  return new Date(now.getTime() + LEASE_MS);
}

/** Whether another worker holds the link's write lease at `now`. */
export function leased(link: LinkRecord, now: Date): boolean {
  return link.writingUntil != null && Date.parse(link.writingUntil) > now.getTime();
}

/** The rooms the link knows for the booking: its copies' and its organizer room. */
export function roomsOfLink(record: LinkRecord): Set<string> {
  return new Set([
    ...record.copies.map((c) => c.room),
    ...(record.organizerRoom ? [record.organizerRoom] : []),
  ]);
}
