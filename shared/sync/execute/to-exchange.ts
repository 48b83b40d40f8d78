import type { GraphEvent } from '../../graph/event';
import { RESERVATION_ID_PROPERTY, graphEventFromBooking, graphPatch } from '../../mapping';
import { fingerprint, type Booking } from '../../model';
import { exchangeBooking } from '../booking-of';
import { recordCopy, transactionIdFor } from '../link-record';
import { availability } from './availability';
import { forgetMeeting, recordExchange, type Execution } from './context';
import { expressible, hostLeft, hostRoomFor } from './exchange-checks';
import { rebases, writeOccurrences } from './occurrences';
import { clearNotExpressible, recordNotExpressible, recordRoomTaken } from './records';

/** The writes to Exchange: an event made, updated (or moved to another host room), deleted, declined. */

type Property = { id: string; value: string };

/** An event as Graph returned it from a write, with the extended properties the write set (not echoed back). */
function withProperties(event: GraphEvent, properties: Property[]): GraphEvent {
  return { ...event, singleValueExtendedProperties: properties };
}

export async function createEvent(ex: Execution, booking: Booking): Promise<void> {
  const { sides, deps } = ex;
  if (ex.record.copies.length > 0 || ex.record.organizerRoom !== null) {
    // The booking's event is gone (deleted in Exchange, or a worker moving it died after the delete):
    // a new meeting replaces it, and what the link knew of the old one is forgotten (its copies going
    // away later is no news).
    ex.previousMeeting ??= ex.record.iCalUId;
    forgetMeeting(ex);
  }
  const reservationId = sides.workplace?.reservation.id ?? ex.record.reservationId;
  const host = hostRoomFor(booking, sides.workplace?.reservation, sides.rooms);
  if (!host || !reservationId) {
    ex.log.warn('Nothing to create: the reservation has no registered room', {});
    return;
  }
  const body = expressible(() => graphEventFromBooking(booking, { hostRoom: host }));
  if (!body.ok) return recordNotExpressible(ex, host, reservationId, body.refusal);
  await clearNotExpressible(ex, host, reservationId);
  const own = [ex.record.iCalUId, sides.exchange?.event.iCalUId, ex.previousMeeting].filter(
    (id): id is string => typeof id === 'string',
  );
  const room = await availability(host, booking, reservationId, own, sides.rooms, deps);
  for (const stray of room.strays) {
    deps.logger.warn('A stray event of this reservation in another room; deleted', { room: stray.room });
    await deps.exchange.deleteEvent(stray.room, stray.eventId);
    deps.effects.touched(stray.room);
  }
  if (room.busy) {
    await recordRoomTaken(ex, host, reservationId, room.busy);
    ex.forget = true;
    ex.writes += 1;
    return;
  }
  const properties: Property[] = [
    ...(body.body.singleValueExtendedProperties ?? []),
    { id: RESERVATION_ID_PROPERTY, value: reservationId },
  ];
  let event = await deps.exchange.createEvent(
    host,
    { ...body.body, singleValueExtendedProperties: properties },
    transactionIdFor(reservationId, host),
  );
  ex.writes += 1;
  // A create retried after a crash or a lost answer returns the event the first try made, as it was
  // then (transactionId): if the reservation changed since, the event is brought up to date.
  const made = exchangeBooking(withProperties(event, properties), host, sides.rooms);
  const patch = graphPatch(made, booking, { hostRoom: host });
  if (Object.keys(patch).length > 0) {
    event = await deps.exchange.updateEvent(host, event.id, patch);
    ex.writes += 1;
  }
  if (booking.exceptions.length > 0) {
    // A series is created whole, then its exceptions are written occurrence by occurrence.
    ex.record = { ...ex.record, copies: recordCopy(ex.record.copies, host, event) };
    ex.writes += await writeOccurrences(host, event.id, booking, undefined, deps);
    const final = await deps.exchange.getEvent(host, event.id);
    if (final) recordExchange(ex, host, final, exchangeBooking(final, host, sides.rooms));
  } else {
    recordExchange(ex, host, event, exchangeBooking(withProperties(event, properties), host, sides.rooms));
  }
  ex.record = { ...ex.record, organizerRoom: ex.record.organizerRoom ?? host };
}

export async function updateEvent(ex: Execution, booking: Booking, changeKey: string): Promise<void> {
  const { sides, deps } = ex;
  const exchange = sides.exchange;
  if (!exchange) throw new Error('updateEvent without an event');
  const host = ex.record.organizerRoom ?? exchange.room;
  if (hostLeft(ex.record.origin, host, booking)) {
    // The old event goes (Exchange cancels its rooms' copies), then it is made again in the
    // reservation's first room. Not the other way round: the other rooms would still hold the old
    // meeting and decline the new one as a clash. A crash in between leaves the link at the old event
    // and the reservation's change unrecorded, so the retry makes the new one.
    ex.log.info('The host room left the booking; the event moves', { from: host, to: booking.rooms[0] });
    ex.previousMeeting = ex.record.iCalUId ?? exchange.event.iCalUId ?? null;
    await deps.exchange.deleteEvent(exchange.room, exchange.event.id);
    deps.effects.touched(exchange.room);
    ex.writes += 1;
    forgetMeeting(ex);
    return createEvent(ex, booking);
  }
  const reservationId = ex.record.reservationId ?? sides.workplace?.reservation.id ?? '';
  const patch = expressible(() => graphPatch(exchange.booking, booking, { hostRoom: host }));
  // Exchange keeps the version it has until the pattern is one it can hold.
  if (!patch.ok) return recordNotExpressible(ex, exchange.room, reservationId, patch.refusal);
  await clearNotExpressible(ex, exchange.room, reservationId);
  let event: GraphEvent = exchange.event;
  if (Object.keys(patch.body).length > 0) {
    event = await deps.exchange.updateEvent(exchange.room, exchange.event.id, patch.body, changeKey);
    ex.writes += 1;
  }
  const occurrenceWrites =
    booking.recurrence === null
      ? 0
      : await writeOccurrences(
          exchange.room,
          exchange.event.id,
          booking,
          rebases(exchange.booking, booking) ? undefined : exchange.booking,
          deps,
        );
  ex.writes += occurrenceWrites;
  if (occurrenceWrites > 0) {
    if (event !== exchange.event)
      ex.record = { ...ex.record, copies: recordCopy(ex.record.copies, exchange.room, event) };
    const final = await deps.exchange.getEvent(exchange.room, exchange.event.id);
    if (final) recordExchange(ex, exchange.room, final, exchangeBooking(final, exchange.room, sides.rooms));
  } else if (event !== exchange.event) {
    const properties: Property[] =
      patch.body.singleValueExtendedProperties ??
      (exchange.event.singleValueExtendedProperties ?? []).map((p) => ({ id: p.id, value: p.value ?? '' }));
    recordExchange(
      ex,
      exchange.room,
      event,
      exchangeBooking(withProperties(event, properties), exchange.room, sides.rooms),
    );
  }
}

export async function deleteEvent(ex: Execution): Promise<void> {
  const exchange = ex.sides.exchange;
  if (exchange) {
    await ex.deps.exchange.deleteEvent(exchange.room, exchange.event.id);
    ex.deps.effects.touched(exchange.room);
  }
  ex.writes += 1;
}

/** An Outlook meeting's rooms decline it, each on its own copy; the meeting goes on in the others. */
export async function declineEvent(ex: Execution, rooms: string[]): Promise<void> {
  const exchange = ex.sides.exchange;
  if (!exchange) return;
  for (const room of rooms) {
    const eventId =
      room === exchange.room ? exchange.event.id : ex.record.copies.find((c) => c.room === room)?.eventId;
    if (!eventId) {
      ex.log.warn('No copy of the meeting known for a room that should decline it', { room });
      continue;
    }
    await ex.deps.exchange.declineEvent(room, eventId, 'The room was cancelled in Workplace.');
    ex.deps.effects.touched(room);
    ex.writes += 1;
  }
  const left = exchange.booking.rooms.filter((r) => !rooms.includes(r));
  if (left.length > 0) {
    // The meeting goes on in the other rooms: those that declined stay out of it.
    ex.record = {
      ...ex.record,
      releasedRooms: [...new Set([...(ex.record.releasedRooms ?? []), ...rooms])],
      exchangeFingerprint: fingerprint({ ...exchange.booking, rooms: left }),
    };
  }
}
