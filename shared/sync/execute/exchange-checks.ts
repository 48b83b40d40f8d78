import { isCancelled, spanOf, type GraphEvent } from '../../graph/event';
import { UnsupportedRecurrence, type Booking, type Side } from '../../model';
import { expand } from '../../recurrence';
import type { Reservation } from '../../workplace';
import type { SyncedRooms } from '../booking-of';

/**
 * The checks a write to Exchange makes before it is sent, pure: where the event goes, whether Exchange
 * can hold the booking's pattern, which of a room's items clash with it, and whether the host room left.
 * What they need from Exchange is queried first (availability.ts); the executor acts on their verdict.
 */

/**
 * The room that hosts a Workplace booking's event: the reservation's first synced room the booking
 * keeps. Its lines keep their order as rooms are added, so a create retried after the reservation
 * changed goes to the same mailbox and finds the first try's event by its transactionId.
 */
export function hostRoomFor(
  booking: Booking,
  reservation: Reservation | undefined,
  rooms: SyncedRooms,
): string | undefined {
  const firstLine = reservation?.lines
    .map((line) => rooms.roomEmail(line.roomId))
    .find((room): room is string => room !== undefined && booking.rooms.includes(room));
  return firstLine ?? booking.rooms[0];
}

/**
 * Workplace took the host room off one of its bookings: Exchange cannot give a meeting another
 * organizer, so the event moves (made again in the reservation's first room).
 */
export function hostLeft(origin: Side, host: string, booking: Booking): boolean {
  return origin === 'workplace' && booking.rooms.length > 0 && !booking.rooms.includes(host);
}

/**
 * The body of a write, or the refusal when the booking's pattern is one Exchange cannot express (never
 * silently changed, design §5): the booking is then not written, and why is recorded.
 */
export function expressible<T>(
  build: () => T,
): { ok: true; body: T } | { ok: false; refusal: UnsupportedRecurrence } {
  try {
    return { ok: true, body: build() };
  } catch (err) {
    if (err instanceof UnsupportedRecurrence) return { ok: false, refusal: err };
    throw err;
  }
}

/**
 * The booking's slots from `from` up to the horizon: every occurrence of a series, not just the first
 * (those already over cannot clash with anything being booked now, and a long-running series expanded
 * from its start would spend the expansion's budget on the past).
 */
export function slotsOf(booking: Booking, from: Date, horizon: Date): { start: Date; end: Date }[] {
  return booking.recurrence === null
    ? [{ start: booking.start, end: booking.end }]
    : expand(booking, booking.start > from ? booking.start : from, horizon).filter((o) => !o.cancelled);
}

/**
 * The items of a room's calendar that clash with the slots: busy, overlapping, and neither the event an
 * earlier try of this very create made (it carries its transactionId) nor a copy of the booking's own
 * meeting (the room was its guest before the booking moved here).
 */
export function clashingItems(
  items: GraphEvent[],
  slots: { start: Date; end: Date }[],
  transactionId: string,
  ownMeetings: readonly string[],
): GraphEvent[] {
  return items.filter((item) => {
    if (isCancelled(item) || item.showAs === 'free') return false;
    if (item.transactionId === transactionId) return false;
    if (item.iCalUId != null && ownMeetings.includes(item.iCalUId)) return false;
    const span = spanOf(item);
    return span !== undefined && slots.some((s) => s.start < span.end && span.start < s.end);
  });
}
