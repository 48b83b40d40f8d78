import { ApiError, invalid, notFound } from './errors';
import type { Reservation, ReservationInput, Room } from './model';
import { checkTimes, firstOverlap, occupied, type Interval } from './occurrences';

export type ChangeType = 'reservation.created' | 'reservation.updated' | 'reservation.cancelled';
export type ChangeListener = (type: ChangeType, reservation: Reservation) => void;

/** Rooms, reservations and idempotency keys, in memory; every change is reported to `onChange`. */
export class Store {
  readonly rooms = new Map<string, Room>();
  private readonly reservations = new Map<string, Reservation>();
  private readonly idempotency = new Map<string, string>();
  private readonly intervals = new Map<string, { version: number; intervals: Interval[] }>();
  /** Ids of the reservations that have had a line for each room (a superset: lines can go). */
  private readonly byRoom = new Map<string, Set<string>>();
  private nextId = 1;
  private lastStamp = 0;

  constructor(private readonly onChange: ChangeListener) {}

  reset(): void {
    this.rooms.clear();
    this.reservations.clear();
    this.idempotency.clear();
    this.intervals.clear();
    this.byRoom.clear();
    this.nextId = 1;
  }

  all(): Reservation[] {
    return [...this.reservations.values()];
  }

  get(id: string): Reservation {
    const reservation = this.reservations.get(id);
    if (!reservation) throw notFound(`No reservation '${id}'.`);
    return reservation;
  }

  occupiedBy(reservation: Reservation): Interval[] {
    const cached = this.intervals.get(reservation.id);
    if (cached?.version === reservation.version) return cached.intervals;
    const intervals = occupied(reservation);
    this.intervals.set(reservation.id, { version: reservation.version, intervals });
    return intervals;
  }

  create(input: ReservationInput, idempotencyKey: string | undefined): Reservation {
    if (idempotencyKey !== undefined) {
      const first = this.idempotency.get(idempotencyKey);
      if (first !== undefined) return this.get(first);
    }
    const now = this.stamp();
    const reservation = this.build(input, {
      id: `r-${this.nextId}`,
      version: 1,
      createdAt: now,
      updatedAt: now,
      cancelled: false,
    });
    this.nextId += 1;
    this.put(reservation);
    if (idempotencyKey !== undefined) this.idempotency.set(idempotencyKey, reservation.id);
    this.onChange('reservation.created', reservation);
    return reservation;
  }

  replace(id: string, input: ReservationInput, ifMatch: string): Reservation {
    const current = this.get(id);
    this.checkVersion(current, ifMatch);
    const replaced = this.build(
      input,
      {
        id,
        version: current.version + 1,
        createdAt: current.createdAt,
        updatedAt: this.stamp(),
        cancelled: current.cancelled,
      },
      current,
    );
    this.put(replaced);
    this.onChange('reservation.updated', replaced);
    return replaced;
  }

  cancel(id: string, ifMatch: string | undefined): void {
    const current = this.get(id);
    if (ifMatch !== undefined) this.checkVersion(current, ifMatch);
    if (current.cancelled) return;
    const cancelled = { ...current, cancelled: true, version: current.version + 1, updatedAt: this.stamp() };
    this.put(cancelled);
    this.onChange('reservation.cancelled', cancelled);
  }

  /**
   * The reason each declined line was given, by reservation and room: Workplace shows it to the people
   * concerned but does not return it in the API, so tests read it here.
   */
  readonly declineReasons = new Map<string, string>();

  decline(id: string, roomId: string, reason?: string): Reservation {
    const current = this.get(id);
    const line = current.lines.find((l) => l.roomId === roomId);
    if (!line) throw notFound(`Reservation '${id}' has no line for room '${roomId}'.`);
    if (line.status === 'declined') return current;
    if (reason !== undefined) this.declineReasons.set(`${id} ${roomId}`, reason);
    const declined: Reservation = {
      ...current,
      lines: current.lines.map((l) => (l.roomId === roomId ? { ...l, status: 'declined' } : l)),
      version: current.version + 1,
      updatedAt: this.stamp(),
    };
    this.put(declined);
    this.onChange('reservation.updated', declined);
    return declined;
  }

  private put(reservation: Reservation): void {
    this.reservations.set(reservation.id, reservation);
    for (const { roomId } of reservation.lines) {
      const ids = this.byRoom.get(roomId) ?? new Set<string>();
      ids.add(reservation.id);
      this.byRoom.set(roomId, ids);
    }
  }

  private checkVersion(current: Reservation, ifMatch: string): void {
    if (Number(ifMatch) !== current.version)
      throw new ApiError(
        412,
        'stale',
        `If-Match names version ${ifMatch}; reservation '${current.id}' is at version ${current.version}.`,
      );
  }

  private build(
    input: ReservationInput,
    fixed: Pick<Reservation, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'cancelled'>,
    previous?: Reservation,
  ): Reservation {
    input.lines.forEach((line, index) => {
      if (!this.rooms.has(line.roomId))
        throw invalid(`lines.${index}.roomId`, `There is no room '${line.roomId}'.`);
    });
    checkTimes(input);
    const reservation: Reservation = {
      id: fixed.id,
      version: fixed.version,
      subject: input.subject,
      start: input.start,
      end: input.end,
      timeZone: input.timeZone,
      responsible: input.responsible ?? null,
      participants: input.participants ?? [],
      // A client writes `confirmed` or leaves status out; a room's earlier decline survives a replace
      // that leaves it out, since only the room takes it back.
      lines: input.lines.map((line) => ({
        roomId: line.roomId,
        status: line.status ?? previous?.lines.find((l) => l.roomId === line.roomId)?.status ?? 'confirmed',
      })),
      recurrence: input.recurrence ?? null,
      exceptions: input.exceptions ?? [],
      source: input.source ?? previous?.source ?? 'workplace',
      externalRef: input.externalRef === undefined ? (previous?.externalRef ?? null) : input.externalRef,
      cancelled: fixed.cancelled,
      createdAt: fixed.createdAt,
      updatedAt: fixed.updatedAt,
    };
    if (!reservation.cancelled) this.checkConflicts(reservation);
    return reservation;
  }

  private checkConflicts(candidate: Reservation): void {
    const rooms = new Set(candidate.lines.filter((l) => l.status !== 'declined').map((l) => l.roomId));
    if (rooms.size === 0) return;
    const mine = occupied(candidate);
    // Only reservations that have had one of these rooms (Workplace looks a room's bookings up, too).
    const ids = new Set([...rooms].flatMap((room) => [...(this.byRoom.get(room) ?? [])]));
    for (const id of ids) {
      const other = this.reservations.get(id);
      if (!other || other.id === candidate.id || other.cancelled) continue;
      const shared = other.lines.find((l) => l.status !== 'declined' && rooms.has(l.roomId));
      if (!shared) continue;
      const clash = firstOverlap(mine, this.occupiedBy(other));
      if (clash) {
        const room = this.rooms.get(shared.roomId);
        throw new ApiError(
          409,
          'room_conflict',
          `Room '${room?.name ?? shared.roomId}' (${shared.roomId}) is taken by reservation '${other.id}' at ${new Date(clash.start).toISOString()}.`,
        );
      }
    }
  }

  /** updatedAt strictly increases, so `changedSince` = the last seen updatedAt never misses a change. */
  private stamp(): string {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return new Date(this.lastStamp).toISOString();
  }
}
