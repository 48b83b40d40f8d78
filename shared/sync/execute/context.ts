import type { GraphEvent } from '../../graph/event';
import { fingerprint, type Booking } from '../../model';
import type { LinkRecord } from '../../store';
import type { Logger } from '../../telemetry/logger';
import type { Reservation } from '../../workplace';
import { workplaceBooking } from '../booking-of';
import { recordCopy } from '../link-record';
import type { SyncDeps } from '../ports';
import type { Sides } from '../sides';

/**
 * One plan being carried out: the sides as read, the link record as each write leaves it, and the
 * count of writes. The per-direction modules (to-workplace.ts, to-exchange.ts) write and record here.
 */
export interface Execution {
  readonly sides: Sides;
  readonly deps: SyncDeps;
  readonly log: Logger;
  record: LinkRecord;
  /** The link goes once the plan is done. */
  forget: boolean;
  writes: number;
  /** The meeting a booking's event replaces (its host room left): its room copies are not clashes. */
  previousMeeting: string | null;
}

/** A reservation as written: the link now agrees with it. */
export function recordWorkplace(ex: Execution, reservation: Reservation): void {
  ex.deps.effects.sawReservation(reservation);
  ex.record = {
    ...ex.record,
    reservationId: reservation.id,
    workplaceVersion: reservation.version,
    workplaceFingerprint: fingerprint(workplaceBooking(reservation, ex.sides.rooms)),
  };
}

/** A room's event as written, compared as `booking`: the link now agrees with it. */
export function recordExchange(ex: Execution, room: string, event: GraphEvent, booking: Booking): void {
  ex.deps.effects.touched(room);
  ex.record = {
    ...ex.record,
    copies: recordCopy(ex.record.copies, room, event),
    iCalUId: ex.record.iCalUId ?? event.iCalUId ?? null,
    exchangeFingerprint: fingerprint(booking),
  };
}

/** What the link knew of the booking's event, forgotten: a new meeting replaces it. */
export function forgetMeeting(ex: Execution): void {
  ex.record = { ...ex.record, copies: [], organizerRoom: null, iCalUId: null, releasedRooms: [] };
}
