import { fingerprint, type Booking } from '../../model';
import { reservationFromBooking } from '../../mapping';
import { workplaceBooking } from '../booking-of';
import { recordWorkplace, type Execution } from './context';

/** The writes to Workplace: a reservation made, replaced or cancelled. */

/**
 * The Idempotency-Key of a meeting's reservation names the meeting, so a retried create returns what the
 * first try made; past a reservation made for it and since cancelled, the next key is derived from that
 * one, so a retry still finds what its first try made.
 */
function idempotencyKey(meeting: string, cancelledBefore: string | undefined): string {
  return cancelledBefore ? `exchange:${meeting}:after:${cancelledBefore}` : `exchange:${meeting}`;
}

/** How many cancelled reservations of a meeting a create walks past before it gives up. */
const MAX_CANCELLED_HOPS = 10;

export async function createReservation(ex: Execution, booking: Booking): Promise<void> {
  const { sides, deps } = ex;
  const body = {
    ...reservationFromBooking(booking, sides.rooms),
    source: 'exchange' as const,
    externalRef: sides.exchange?.event.iCalUId ?? null,
  };
  // A RoomConflict here is usually a race with a reservation about to be declined (its Exchange clash
  // being handled by another worker): the message is retried like any failure.
  const meeting = sides.exchange?.event.iCalUId ?? ex.record.id;
  let made = await deps.workplace.createReservation(body, idempotencyKey(meeting, undefined));
  ex.writes += 1;
  for (let hops = 0; made.cancelled && hops < MAX_CANCELLED_HOPS; hops += 1) {
    made = await deps.workplace.createReservation(body, idempotencyKey(meeting, made.id));
    ex.writes += 1;
  }
  // A create retried after a crash or a lost answer returns the reservation the first try made, as it
  // was then (Idempotency-Key): if the meeting changed since, it is brought up to date.
  if (fingerprint(workplaceBooking(made, sides.rooms)) !== fingerprint(booking)) {
    made = await deps.workplace.replaceReservation(made.id, body, made.version);
    ex.writes += 1;
  }
  recordWorkplace(ex, made);
}

export async function updateReservation(ex: Execution, booking: Booking, version: number): Promise<void> {
  const { sides, deps } = ex;
  const id = ex.record.reservationId ?? sides.workplace?.reservation.id;
  if (!id) throw new Error('updateReservation without a reservation');
  const current = sides.workplace?.reservation;
  const body = {
    ...reservationFromBooking(booking, sides.rooms),
    ...(current ? { source: current.source, externalRef: current.externalRef ?? null } : {}),
  };
  // Lines Workplace declined stay, declined: a replace that left them out would erase the decline.
  const kept = (current?.lines ?? []).filter(
    (line) => line.status === 'declined' && !body.lines.some((l) => l.roomId === line.roomId),
  );
  recordWorkplace(
    ex,
    await deps.workplace.replaceReservation(id, { ...body, lines: [...body.lines, ...kept] }, version),
  );
  ex.writes += 1;
}

export async function cancelReservation(ex: Execution, version: number): Promise<void> {
  const id = ex.record.reservationId ?? ex.sides.workplace?.reservation.id;
  if (id) await ex.deps.workplace.cancelReservation(id, version);
  ex.writes += 1;
}
