import { organizerOf, reservationIdOf, type GraphEvent } from '../../graph/event';
import type { Booking } from '../../model';
import type { SyncedRooms } from '../booking-of';
import { transactionIdFor } from '../link-record';
import { syncWindow } from '../window';
import type { SyncDeps } from '../ports';
import { clashingItems, slotsOf } from './exchange-checks';

/**
 * Whether a room is free for a booking (design §5: direct writes into a room's calendar skip Exchange's
 * own conflict check, so roomsync checks the room itself). Only queries: one paged calendarView read of
 * the booking's span, then, for a clashing item that may be the booking's own, the lookups that tell.
 */

/** What the room holds against the booking: the first real clash, and stray copies found before it. */
export interface Availability {
  busy: GraphEvent | undefined;
  /** Events an earlier try made for this reservation in another registered room, never linked. */
  strays: { room: string; eventId: string }[];
}

export async function availability(
  room: string,
  booking: Booking,
  reservationId: string,
  ownMeetings: readonly string[],
  rooms: SyncedRooms,
  deps: Pick<SyncDeps, 'exchange' | 'store' | 'clock' | 'horizonDays' | 'effects'>,
): Promise<Availability> {
  const { start: from, end: horizon } = syncWindow(deps);
  const slots = slotsOf(booking, from, horizon);
  const strays: Availability['strays'] = [];
  if (slots.length === 0) return { busy: undefined, strays };
  const first = new Date(Math.min(...slots.map((s) => s.start.getTime())));
  const last = new Date(Math.max(...slots.map((s) => s.end.getTime())));
  const items = await deps.exchange.calendarView(room, first, last);
  deps.effects.touched(room);
  // Meetings found to be this reservation's own: every occurrence of a series is an item of its own.
  const own = new Set(ownMeetings);
  for (const item of clashingItems(items, slots, transactionIdFor(reservationId, room), ownMeetings)) {
    const iCalUId = item.iCalUId ?? undefined;
    if (iCalUId !== undefined && own.has(iCalUId)) continue;
    const verdict = await ownership(item, room, reservationId, rooms, deps);
    if (verdict === 'busy' || iCalUId === undefined) return { busy: item, strays };
    own.add(iCalUId);
    if (verdict !== 'own') strays.push(verdict);
  }
  return { busy: undefined, strays };
}

/**
 * Whether a clashing item is the reservation's own after all: a copy of a meeting roomsync made for it
 * before (the link index still knows that meeting), or a copy of a meeting an earlier try made for it in
 * another registered room whose link was never saved (that room's event carries this reservation's id:
 * a stray, which goes before the booking's event is made here, or its rooms would decline the new
 * meeting as a clash with it).
 */
async function ownership(
  item: GraphEvent,
  room: string,
  reservationId: string,
  rooms: SyncedRooms,
  deps: Pick<SyncDeps, 'exchange' | 'store' | 'effects'>,
): Promise<'own' | 'busy' | { room: string; eventId: string }> {
  const iCalUId = item.iCalUId;
  if (iCalUId == null) return 'busy';
  const found = await deps.store.links.lookup('iCalUId', iCalUId);
  if (found.state === 'linked' && found.link.value.reservationId === reservationId) return 'own';
  const organizer = organizerOf(item);
  if (!organizer || organizer === room || !rooms.workplaceRoomId(organizer)) return 'busy';
  const hostCopy = await deps.exchange.findByICalUId(organizer, iCalUId);
  deps.effects.sawCopy(organizer, hostCopy, false);
  const hostEvent = hostCopy ? await deps.exchange.getEvent(organizer, hostCopy.id) : undefined;
  if (hostCopy) deps.effects.sawCopy(organizer, hostEvent, true);
  return hostEvent && reservationIdOf(hostEvent) === reservationId
    ? { room: organizer, eventId: hostEvent.id }
    : 'busy';
}
