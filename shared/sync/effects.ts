import type { GraphEvent } from '../graph/event';
import type { RoomRecord } from '../store';
import type { Reservation } from '../workplace';

/**
 * What one sync run did to each room, as the run itself reports it (not watched from outside): the
 * rooms whose calendars it read or wrote, the copies it looked for and did not find, the copies whose
 * subject it could judge, the reservations it read or wrote, the lines it declined because a room held
 * no copy. The worker turns it into each room's status (shared/status/outcomes.ts) once the message is
 * done, so the status costs no extra Graph or Workplace call.
 */
export interface EffectLog {
  /** The run read or wrote this room's calendar. */
  touched(room: string): void;
  /** The run read a room's copy of a booking (`undefined`: there is none); `judged`: a full read. */
  sawCopy(room: string, event: GraphEvent | undefined, judged: boolean): void;
  /** The run read or wrote this reservation. */
  sawReservation(reservation: Reservation): void;
  /** The run declined a room's line because the room held no copy of the booking. */
  declinedLine(roomId: string, reservation: Reservation): void;
  /** The registered rooms the run read. */
  registered(rooms: RoomRecord[]): void;
}

/** The effects of one run, collected. */
export class RunEffects implements EffectLog {
  readonly rooms = new Set<string>();
  readonly roomIds = new Set<string>();
  /** Rooms whose copy the run looked for and did not find (gone, or declined). */
  readonly missing = new Set<string>();
  /** Full reads of room copies, by room: what they say about the room's calendar processing. */
  readonly copies = new Map<string, GraphEvent[]>();
  readonly reservations: Reservation[] = [];
  readonly declines: { roomId: string; reservation: Reservation }[] = [];
  registeredRooms: RoomRecord[] | undefined;

  touched(room: string): void {
    this.rooms.add(room.toLowerCase());
  }

  sawCopy(room: string, event: GraphEvent | undefined, judged: boolean): void {
    const key = room.toLowerCase();
    this.rooms.add(key);
    if (!event || event.responseStatus?.response === 'declined') {
      this.missing.add(key);
      return;
    }
    if (judged) this.copies.set(key, [...(this.copies.get(key) ?? []), event]);
  }

  sawReservation(reservation: Reservation): void {
    this.reservations.push(reservation);
    for (const line of reservation.lines) this.roomIds.add(line.roomId);
  }

  declinedLine(roomId: string, reservation: Reservation): void {
    this.sawReservation(reservation);
    this.declines.push({ roomId, reservation });
  }

  registered(rooms: RoomRecord[]): void {
    this.registeredRooms = rooms;
  }
}

/** For runs whose effects nobody reads (tests that call the sync directly). */
export const ignoreEffects: EffectLog = {
  touched: () => undefined,
  sawCopy: () => undefined,
  sawReservation: () => undefined,
  declinedLine: () => undefined,
  registered: () => undefined,
};
