import type { GraphEvent } from '../graph';
import {
  RESERVATION_ID_PROPERTY,
  graphOccurrenceChanges,
  bookingFromReservation,
  graphEventFromBooking,
  graphEventIdentity,
  graphPatch,
  reservationFromBooking,
  type RoomDirectory,
} from '../mapping';
import { UnsupportedRecurrence, fingerprint, zoneKey, type Booking } from '../model';
import { expand, samePattern } from '../recurrence';
import type { LinkRecord } from '../store';
import type { Reservation } from '../workplace';
import {
  exchangeBooking,
  propertiesOf,
  recordCopy,
  reservationIdOf,
  transactionIdFor,
  type SyncDeps,
} from './context';
import type { Action, Plan } from './decide';

/** The two sides as the worker read them, and the link record being brought up to date. */
export interface Sides {
  record: LinkRecord;
  exchange: { room: string; event: GraphEvent; booking: Booking } | undefined;
  workplace: { reservation: Reservation; booking: Booking } | undefined;
  rooms: RoomDirectory;
  correlationId: string;
  /** The changeKey the notification being handled named, when it did: a state now read past. */
  notified?: string;
}

export interface Applied {
  record: LinkRecord;
  forget: boolean;
  writes: number;
}

/** An event as Graph returned it from a write, with the extended properties the write set (not echoed back). */
function withProperties(event: GraphEvent, properties: { id: string; value: string }[]): GraphEvent {
  return { ...event, singleValueExtendedProperties: properties };
}

/** Runs a plan's actions in order, recording each write in the link as it succeeds. */
export async function apply(plan: Plan, sides: Sides, deps: SyncDeps): Promise<Applied> {
  let record = { ...sides.record };
  let forget = false;
  let writes = 0;
  const log = deps.logger.child({ correlationId: sides.correlationId, linkId: record.id, rule: plan.rule });

  const recordWorkplace = (reservation: Reservation): void => {
    record = {
      ...record,
      reservationId: reservation.id,
      workplaceVersion: reservation.version,
      workplaceFingerprint: fingerprint(
        bookingFromReservation(liveLines(reservation, sides.rooms), sides.rooms),
      ),
    };
  };
  const recordExchange = (room: string, event: GraphEvent, booking: Booking): void => {
    record = {
      ...record,
      copies: recordCopy(record.copies, room, event),
      iCalUId: record.iCalUId ?? event.iCalUId ?? null,
      exchangeFingerprint: fingerprint(booking),
    };
  };

  /** The meeting a booking's event replaces (its host room left): its room copies are not clashes. */
  let previousMeeting: string | null = null;
  for (const action of plan.actions) {
    log.info('Applying', { action: action.kind });
    await run(action);
  }
  return { record, forget, writes };

  /**
   * The Graph body of a booking, or undefined when its pattern is one Exchange cannot express: then the
   * booking is not written (never silently changed, design §5), and why is kept on the link and in the
   * room's status until a later version can be written.
   */
  async function expressible<T>(room: string, reservationId: string, build: () => T): Promise<T | undefined> {
    try {
      const body = build();
      if (record.notSynced && reservationId) {
        await deps.store.conflicts.remove(room, 'unsupportedRecurrence', reservationId);
        record = { ...record, notSynced: null };
      }
      return body;
    } catch (err) {
      if (!(err instanceof UnsupportedRecurrence)) throw err;
      log.warn('A pattern Exchange cannot express; the booking is not synced', { room, part: err.part });
      record = { ...record, notSynced: { reason: 'unsupportedRecurrence', detail: err.message } };
      await deps.store.conflicts.add({
        room,
        at: deps.now().toISOString(),
        reason: 'unsupportedRecurrence',
        linkId: record.id,
        reservationId: reservationId || null,
        eventId: sides.exchange?.event.id ?? null,
        summary: `The reservation repeats in a way Exchange cannot express (${err.message}); it is not synced`,
      });
      return undefined;
    }
  }

  async function run(action: Action): Promise<void> {
    switch (action.kind) {
      case 'createReservation': {
        const body = {
          ...reservationFromBooking(action.booking, sides.rooms),
          source: 'exchange' as const,
          externalRef: sides.exchange?.event.iCalUId ?? null,
        };
        // A RoomConflict here is usually a race with a reservation about to be declined (its Exchange
        // clash being handled by another worker): the message is retried like any failure.
        let key = `exchange:${sides.exchange?.event.iCalUId ?? record.id}`;
        let made = await deps.workplace.createReservation(body, key);
        writes += 1;
        // The key names the meeting, so it returns a reservation made for it before and since cancelled;
        // the next key is derived from that one, so a retried create still finds what the first made.
        for (let hops = 0; made.cancelled && hops < 10; hops += 1) {
          key = `exchange:${sides.exchange?.event.iCalUId ?? record.id}:after:${made.id}`;
          made = await deps.workplace.createReservation(body, key);
          writes += 1;
        }
        // A create retried after a crash or a lost answer returns the reservation the first try made,
        // as it was then (Idempotency-Key): if the meeting changed since, it is brought up to date.
        if (
          fingerprint(bookingFromReservation(liveLines(made, sides.rooms), sides.rooms)) !==
          fingerprint(action.booking)
        ) {
          made = await deps.workplace.replaceReservation(made.id, body, made.version);
          writes += 1;
        }
        recordWorkplace(made);
        return;
      }
      case 'updateReservation': {
        const id = record.reservationId ?? sides.workplace?.reservation.id;
        if (!id) throw new Error('updateReservation without a reservation');
        const current = sides.workplace?.reservation;
        const body = {
          ...reservationFromBooking(action.booking, sides.rooms),
          ...(current ? { source: current.source, externalRef: current.externalRef ?? null } : {}),
        };
        // Lines Workplace declined stay, declined: a replace that left them out would erase the decline.
        const kept = (current?.lines ?? []).filter(
          (line) => line.status === 'declined' && !body.lines.some((l) => l.roomId === line.roomId),
        );
        recordWorkplace(
          await deps.workplace.replaceReservation(
            id,
            { ...body, lines: [...body.lines, ...kept] },
            action.version,
          ),
        );
        writes += 1;
        return;
      }
      case 'cancelReservation': {
        const id = record.reservationId ?? sides.workplace?.reservation.id;
        if (id) await deps.workplace.cancelReservation(id, action.version);
        writes += 1;
        return;
      }
      case 'createEvent': {
        if (record.copies.length > 0 || record.organizerRoom !== null) {
          // The booking's event is gone (deleted in Exchange, or a worker moving it died after the
          // delete): a new meeting replaces it, and what the link knew of the old one is forgotten
          // (its copies going away later is no news).
          previousMeeting ??= record.iCalUId;
          record = { ...record, copies: [], organizerRoom: null, iCalUId: null, releasedRooms: [] };
        }
        const reservationId = sides.workplace?.reservation.id ?? record.reservationId;
        // The reservation's first room hosts the event: its lines keep their order as rooms are added,
        // so a create retried after the reservation changed goes to the same mailbox and finds the
        // first try's event by its transactionId.
        const firstLine = sides.workplace?.reservation.lines
          .map((line) => sides.rooms.roomEmail(line.roomId))
          .find((room): room is string => room !== undefined && action.booking.rooms.includes(room));
        const host = firstLine ?? action.booking.rooms[0];
        if (!host || !reservationId) {
          log.warn('Nothing to create: the reservation has no registered room', {});
          return;
        }
        const body = await expressible(host, reservationId, () =>
          graphEventFromBooking(action.booking, { hostRoom: host }),
        );
        if (!body) return;
        const own = [record.iCalUId, sides.exchange?.event.iCalUId, previousMeeting].filter(
          (id): id is string => typeof id === 'string',
        );
        const busy = await roomIsBusy(host, action.booking, reservationId, own, sides.rooms, deps);
        if (busy) {
          log.warn('The room is taken at that time; not written to Exchange', {
            room: host,
            busyEventId: busy.id,
            busyICalUId: busy.iCalUId,
          });
          await recordRoomTaken(host, reservationId, busy, sides, deps);
          forget = true;
          writes += 1;
          return;
        }
        const properties = [
          ...(body.singleValueExtendedProperties ?? []),
          { id: RESERVATION_ID_PROPERTY, value: reservationId },
        ];
        let event = await deps.graph.createEvent(
          host,
          { ...body, singleValueExtendedProperties: properties },
          transactionIdFor(reservationId, host),
        );
        writes += 1;
        // A create retried after a crash or a lost answer returns the event the first try made, as it
        // was then (transactionId): if the reservation changed since, the event is brought up to date.
        const made = exchangeBooking(withProperties(event, properties), host, sides.rooms);
        const patch = graphPatch(made, action.booking, { hostRoom: host });
        if (Object.keys(patch).length > 0) {
          event = await deps.graph.updateEvent(host, event.id, patch);
          writes += 1;
        }
        if (action.booking.exceptions.length > 0) {
          // A series is created whole, then its exceptions are written occurrence by occurrence.
          record = { ...record, copies: recordCopy(record.copies, host, event) };
          writes += await writeOccurrences(host, event.id, action.booking, undefined, deps);
          const final = await deps.graph.getEvent(host, event.id);
          if (final) recordExchange(host, final, exchangeBooking(final, host, sides.rooms));
        } else {
          recordExchange(host, event, exchangeBooking(withProperties(event, properties), host, sides.rooms));
        }
        record = { ...record, organizerRoom: record.organizerRoom ?? host };
        return;
      }
      case 'updateEvent': {
        const exchange = sides.exchange;
        if (!exchange) throw new Error('updateEvent without an event');
        const host = record.organizerRoom ?? exchange.room;
        if (
          record.origin === 'workplace' &&
          action.booking.rooms.length > 0 &&
          !action.booking.rooms.includes(host)
        ) {
          // Workplace took the host room off the booking. Exchange cannot give a meeting another
          // organizer: the old event goes (Exchange cancels its rooms' copies), then it is made again
          // in the reservation's first room. Not the other way round: the other rooms would still hold
          // the old meeting and decline the new one as a clash. A crash in between leaves the link at
          // the old event and the reservation's change unrecorded, so the retry makes the new one.
          log.info('The host room left the booking; the event moves', {
            from: host,
            to: action.booking.rooms[0],
          });
          previousMeeting = record.iCalUId ?? exchange.event.iCalUId ?? null;
          await deps.graph.deleteEvent(exchange.room, exchange.event.id);
          writes += 1;
          record = { ...record, copies: [], organizerRoom: null, iCalUId: null, releasedRooms: [] };
          await run({ kind: 'createEvent', booking: action.booking });
          return;
        }
        const reservationId = record.reservationId ?? sides.workplace?.reservation.id ?? '';
        const patch = await expressible(exchange.room, reservationId, () =>
          graphPatch(exchange.booking, action.booking, {
            hostRoom: record.organizerRoom ?? exchange.room,
          }),
        );
        // Exchange keeps the version it has until the pattern is one it can hold.
        if (!patch) return;
        let event: GraphEvent = exchange.event;
        if (Object.keys(patch).length > 0) {
          event = await deps.graph.updateEvent(exchange.room, exchange.event.id, patch, action.changeKey);
          writes += 1;
        }
        const rebased = rebases(exchange.booking, action.booking);
        const occurrenceWrites =
          action.booking.recurrence === null
            ? 0
            : await writeOccurrences(
                exchange.room,
                exchange.event.id,
                action.booking,
                rebased ? undefined : exchange.booking,
                deps,
              );
        writes += occurrenceWrites;
        if (occurrenceWrites > 0 && event !== exchange.event) {
          record = { ...record, copies: recordCopy(record.copies, exchange.room, event) };
        }
        if (occurrenceWrites > 0) {
          const final = await deps.graph.getEvent(exchange.room, exchange.event.id);
          if (final) recordExchange(exchange.room, final, exchangeBooking(final, exchange.room, sides.rooms));
        } else if (event !== exchange.event) {
          const properties = patch.singleValueExtendedProperties ?? propertiesOf(exchange.event);
          recordExchange(
            exchange.room,
            event,
            exchangeBooking(withProperties(event, properties), exchange.room, sides.rooms),
          );
        }
        return;
      }
      case 'deleteEvent': {
        if (sides.exchange) await deps.graph.deleteEvent(sides.exchange.room, sides.exchange.event.id);
        writes += 1;
        return;
      }
      case 'declineEvent': {
        const exchange = sides.exchange;
        if (!exchange) return;
        // Each room answers on its own copy of the meeting.
        for (const room of action.rooms) {
          const eventId =
            room === exchange.room ? exchange.event.id : record.copies.find((c) => c.room === room)?.eventId;
          if (!eventId) {
            log.warn('No copy of the meeting known for a room that should decline it', { room });
            continue;
          }
          await deps.graph.declineEvent(room, eventId, 'The room was cancelled in Workplace.');
          writes += 1;
        }
        const left = exchange.booking.rooms.filter((r) => !action.rooms.includes(r));
        if (left.length > 0) {
          // The meeting goes on in the other rooms: those that declined stay out of it.
          record = {
            ...record,
            releasedRooms: [...new Set([...(record.releasedRooms ?? []), ...action.rooms])],
            exchangeFingerprint: fingerprint({ ...exchange.booking, rooms: left }),
          };
        }
        return;
      }
      case 'recordConflict': {
        const room = sides.exchange?.room ?? action.workplace?.rooms[0] ?? action.exchange?.rooms[0] ?? '';
        await deps.store.conflicts.add({
          room,
          at: deps.now().toISOString(),
          reason: action.reason,
          linkId: record.id,
          reservationId: record.reservationId,
          eventId: sides.exchange?.event.id ?? null,
          summary:
            action.reason === 'bothChanged'
              ? `Changed on both sides; the ${record.origin === 'exchange' ? 'Exchange' : 'Workplace'} version was kept`
              : 'Workplace changed a booking made in Outlook; Exchange’s version was restored',
        });
        return;
      }
      case 'forgetLink':
        forget = true;
        return;
    }
  }
}

/**
 * Whether writing `target` over `current` re-bases the series in Exchange, which then drops its
 * exceptions (they are written again): a new start, end or pattern does; a new end of the series alone
 * keeps them.
 */
function rebases(current: Booking, target: Booking): boolean {
  if (current.recurrence === null || target.recurrence === null) return true;
  return (
    current.start.getTime() !== target.start.getTime() ||
    current.end.getTime() !== target.end.getTime() ||
    zoneKey(current.timeZone) !== zoneKey(target.timeZone) ||
    !samePattern(current.recurrence, target.recurrence)
  );
}

/** Only the lines of rooms roomsync syncs, so both sides describe the same rooms. */
export function liveLines(reservation: Reservation, rooms: RoomDirectory): Reservation {
  return {
    ...reservation,
    lines: reservation.lines.filter((line) => rooms.roomEmail(line.roomId) !== undefined),
  };
}

/**
 * Direct writes into a room's calendar skip Exchange's own conflict check (design §5), so roomsync checks
 * the room itself: any busy item overlapping the booking (every occurrence of a series up to the sync
 * horizon, not just the first), other than this reservation's own event. One paged calendarView read.
 */
async function roomIsBusy(
  room: string,
  booking: Booking,
  reservationId: string,
  ownMeetings: string[],
  rooms: RoomDirectory,
  deps: SyncDeps,
): Promise<GraphEvent | undefined> {
  const horizon = new Date(deps.now().getTime() + deps.horizonDays * 86_400_000);
  const slots =
    booking.recurrence === null
      ? [{ start: booking.start, end: booking.end }]
      : expand(booking, booking.start, horizon).filter((o) => !o.cancelled);
  if (slots.length === 0) return undefined;
  const from = new Date(Math.min(...slots.map((s) => s.start.getTime())));
  const to = new Date(Math.max(...slots.map((s) => s.end.getTime())));
  const items = await deps.graph.calendarView(room, from, to);
  const clashes = items.filter((item) => {
    if (item.isCancelled === true || item.showAs === 'free') return false;
    // Our own event, made before a crash that kept the link from being saved, carries our transactionId.
    if (item.transactionId === transactionIdFor(reservationId, room)) return false;
    // A copy of the booking's own meeting (the room was its guest before the booking moved here).
    if (typeof item.iCalUId === 'string' && ownMeetings.includes(item.iCalUId)) return false;
    const span = graphItemSpan(item);
    return span !== undefined && slots.some((s) => s.start < span.end && span.start < s.end);
  });
  // Meetings found to be this reservation's own: every occurrence of a series is an item of its own.
  const own = new Set(ownMeetings);
  for (const item of clashes) {
    if (typeof item.iCalUId === 'string' && own.has(item.iCalUId)) continue;
    // A copy of a meeting roomsync made for this same reservation before (its link since lost or
    // replaced) is not a clash either: the link index still knows that meeting.
    const found =
      typeof item.iCalUId === 'string' ? await deps.store.links.lookup('iCalUId', item.iCalUId) : undefined;
    if (found?.state === 'linked' && found.link.value.reservationId === reservationId) {
      own.add(item.iCalUId as string);
      continue;
    }
    // Or a copy of a meeting an earlier try made for it in another registered room, whose link was
    // never saved (that room's event carries this reservation's id): a stray, deleted now, before the
    // booking's event is made here, or its rooms would decline the new meeting as a clash with it.
    const organizer = graphEventIdentity(item).organizer;
    if (
      organizer &&
      organizer !== room &&
      rooms.workplaceRoomId(organizer) &&
      typeof item.iCalUId === 'string'
    ) {
      const hostCopy = await deps.graph.findByICalUId(organizer, item.iCalUId);
      const hostEvent = hostCopy ? await deps.graph.getEvent(organizer, hostCopy.id) : undefined;
      if (hostEvent && reservationIdOf(hostEvent) === reservationId) {
        deps.logger.warn('A stray event of this reservation in another room; deleted', { room: organizer });
        await deps.graph.deleteEvent(organizer, hostEvent.id);
        own.add(item.iCalUId);
        continue;
      }
    }
    return item;
  }
  return undefined;
}

/** A calendarView item's start and end as instants (calendarView answers in UTC unless told otherwise). */
function graphItemSpan(item: GraphEvent): { start: Date; end: Date } | undefined {
  const at = (value: unknown): Date | undefined => {
    const dateTime = (value as { dateTime?: unknown } | undefined)?.dateTime;
    if (typeof dateTime !== 'string') return undefined;
    const parsed = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(dateTime) ? dateTime : `${dateTime.slice(0, 23)}Z`);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  };
  const start = at(item['start']);
  const end = at(item['end']);
  return start && end ? { start, end } : undefined;
}

async function recordRoomTaken(
  room: string,
  reservationId: string,
  busy: GraphEvent,
  sides: Sides,
  deps: SyncDeps,
): Promise<void> {
  await deps.store.conflicts.add({
    room,
    at: deps.now().toISOString(),
    reason: 'roomTaken',
    linkId: sides.record.id,
    reservationId,
    eventId: busy.id,
    summary:
      'The room is already booked in Exchange at that time; the reservation was not written to Exchange',
  });
  const roomId = sides.rooms.workplaceRoomId(room);
  if (roomId)
    await deps.workplace.declineLine(
      reservationId,
      roomId,
      'The room is already booked in Exchange at that time.',
    );
}

/**
 * Puts a series' exceptions into Exchange: each cancelled occurrence deleted and each changed one
 * patched, found by its original start among the series' instances (one paged read for all of them,
 * never a GET per occurrence). Only exceptions that differ from `current` are written.
 */
async function writeOccurrences(
  room: string,
  masterId: string,
  target: Booking,
  current: Booking | undefined,
  deps: SyncDeps,
): Promise<number> {
  const have = new Map(
    (current ? graphOccurrenceChanges(current) : []).map((c) => [
      c.originalStart.getTime(),
      JSON.stringify(c),
    ]),
  );
  const todo = graphOccurrenceChanges(target).filter(
    (c) => have.get(c.originalStart.getTime()) !== JSON.stringify(c),
  );
  if (todo.length === 0) return 0;
  const times = todo.map((c) => c.originalStart.getTime());
  const day = 86_400_000;
  const instances = await deps.graph.instances(
    room,
    masterId,
    new Date(Math.min(...times) - 2 * day),
    new Date(Math.max(...times) + 2 * day),
  );
  const byOriginalStart = new Map(
    instances
      .filter((i) => typeof i.originalStart === 'string')
      .map((i) => [Date.parse(i.originalStart as string), i]),
  );
  let writes = 0;
  for (const change of todo) {
    const occurrence = byOriginalStart.get(change.originalStart.getTime());
    if (!occurrence) {
      deps.logger.warn('No occurrence at an exception’s original start; skipped', {
        room,
        originalStart: change.originalStart.toISOString(),
      });
      continue;
    }
    if (change.action === 'cancel') await deps.graph.deleteEvent(room, occurrence.id);
    else await deps.graph.updateEvent(room, occurrence.id, change.body);
    writes += 1;
  }
  return writes;
}
