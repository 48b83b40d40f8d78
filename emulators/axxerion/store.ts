import type { Clock } from './clock';
import { truncateTo } from './dates';
import type { Area, ImportLogEntry, Person, Reservation } from './model';
import type { Profile } from './profile';
import { Versions } from './versions';

/** Axxerion object ids are long numbers from one sequence (S1: `1510000000000002`); log ids share it. */
const OBJECT_ID_BASE = 1_510_000_000_100_000;

export interface StoreDeps {
  clock: Clock;
  profile: () => Profile;
  random: () => number;
}

/**
 * The tenant's data. `reservations` and `log` are the committed state (what Workplace's own screens
 * show); reports read the versions, which become visible only after the profile's visibility delay.
 */
export class Store {
  readonly areas = new Map<string, Area>();
  /** By lower-case e-mail: e-mail is the only unique key of a person (notes item 28). */
  readonly people = new Map<string, Person>();
  /** In creation order, which is the order "the first one found" follows. */
  readonly reservations = new Map<string, Reservation>();
  readonly log = new Map<string, ImportLogEntry>();
  private readonly reservationVersions = new Map<string, Versions<Reservation>>();
  private readonly logVersions = new Map<string, Versions<ImportLogEntry>>();
  private sequence = 0;
  private reservationNumber = 0;

  constructor(private readonly deps: StoreDeps) {}

  nextId(): string {
    this.sequence += 1;
    return String(OBJECT_ID_BASE + this.sequence);
  }

  nextReservationReference(): string {
    this.reservationNumber += 1;
    return `RES-${String(this.reservationNumber).padStart(6, '0')}`;
  }

  /** An UpdateTime for a change made now, at the profile's resolution. */
  stamp(): number {
    return truncateTo(this.deps.clock.now(), this.deps.profile().updateTimeResolution);
  }

  person(email: string): Person | undefined {
    return this.people.get(email.toLowerCase());
  }

  saveReservation(reservation: Reservation): void {
    this.reservations.set(reservation.id, reservation);
    versionsOf(this.reservationVersions, reservation.id).push(this.visibleAt(), structuredClone(reservation));
  }

  deleteReservation(id: string): void {
    this.reservations.delete(id);
    versionsOf(this.reservationVersions, id).push(this.visibleAt(), null);
  }

  saveLog(entry: ImportLogEntry): void {
    this.log.set(entry.id, entry);
    versionsOf(this.logVersions, entry.id).push(this.visibleAt(), structuredClone(entry));
  }

  findByExternalReference(externalReference: string): Reservation | undefined {
    for (const reservation of this.reservations.values())
      if (reservation.externalReference === externalReference) return reservation;
    return undefined;
  }

  findBySeries(seriesExternalReference: string): Reservation[] {
    return [...this.reservations.values()].filter(
      (reservation) => reservation.seriesExternalReference === seriesExternalReference,
    );
  }

  /** Another live reservation holding `areaReference` (a confirmed item) somewhere in [start, end). */
  conflict(areaReference: string, start: number, end: number, exceptId?: string): Reservation | undefined {
    for (const other of this.reservations.values()) {
      if (other.id === exceptId || other.status !== 'Confirmed') continue;
      if (other.start >= end || other.end <= start) continue;
      if (other.items.some((item) => item.areaReference === areaReference && item.status === 'Confirmed'))
        return other;
    }
    return undefined;
  }

  /** The reservations as reports see them `lagMs` ago, in creation order. */
  visibleReservations(lagMs = 0): Reservation[] {
    const now = this.deps.clock.now();
    const visible: Reservation[] = [];
    for (const versions of this.reservationVersions.values()) {
      versions.prune(now - this.deps.profile().participantsLagMs - 60_000);
      const reservation = versions.at(now - lagMs);
      if (reservation) visible.push(reservation);
    }
    return visible;
  }

  visibleLog(): ImportLogEntry[] {
    const now = this.deps.clock.now();
    return [...this.logVersions.values()].flatMap((versions) => versions.at(now) ?? []);
  }

  reset(): void {
    this.areas.clear();
    this.people.clear();
    this.reservations.clear();
    this.log.clear();
    this.reservationVersions.clear();
    this.logVersions.clear();
    this.sequence = 0;
    this.reservationNumber = 0;
  }

  private visibleAt(): number {
    const { visibilityDelayMs, visibilityJitterMs } = this.deps.profile();
    return this.deps.clock.now() + visibilityDelayMs + Math.floor(this.deps.random() * visibilityJitterMs);
  }
}

function versionsOf<T>(map: Map<string, Versions<T>>, id: string): Versions<T> {
  let versions = map.get(id);
  if (!versions) {
    versions = new Versions<T>();
    map.set(id, versions);
  }
  return versions;
}
