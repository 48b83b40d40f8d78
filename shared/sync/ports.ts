import type { GraphEvent } from '../graph/event';
import type { EnqueueOptions } from '../queue/encoding';
import type { SyncMessage } from '../queue/messages';
import type {
  ConflictRecord,
  DeltaStateRecord,
  LinkRecord,
  RoomOutcome,
  RoomRecord,
  Versioned,
} from '../store';
import type { Lookup } from '../store/links';
import type { Logger } from '../telemetry/logger';
import type { EffectLog } from './effects';
import type { Reservation, ReservationQuery, ReservationWrite } from '../workplace';

/**
 * The ports the sync owns: what it needs from Exchange, Workplace, its store, its queue and the clock,
 * as interfaces. The Graph gateway (shared/graph), the Workplace client (shared/workplace) and the
 * Table store (shared/store) implement them in production; test/fakes/ implements them in memory, so
 * the whole algorithm is tested without servers. Every failure is one of shared/errors.ts.
 */

/** A room mailbox's calendar. Every event is validated (graph/event.ts); ids are immutable ids. */
export interface ExchangePort {
  /** The event whole (a master with its cancelled and changed occurrences); undefined when it is gone. */
  getEvent(room: string, eventId: string): Promise<GraphEvent | undefined>;
  /** The room's copy of a meeting (a single event or a series' master) by its iCalUId. */
  findByICalUId(room: string, iCalUId: string): Promise<GraphEvent | undefined>;
  /** A new event; a create retried with the same transactionId returns the first one. */
  createEvent(room: string, body: object, transactionId: string): Promise<GraphEvent>;
  /** With `changeKey`, Stale when the event changed since. */
  updateEvent(room: string, eventId: string, patch: object, changeKey?: string): Promise<GraphEvent>;
  /** One already gone counts as deleted. */
  deleteEvent(room: string, eventId: string): Promise<void>;
  /** The room declines the meeting; its copy leaves its calendar. */
  declineEvent(room: string, eventId: string, comment: string): Promise<void>;
  /** A series' occurrences and exceptions in [from, to). */
  instances(room: string, masterId: string, from: Date, to: Date): Promise<GraphEvent[]>;
  /** Every single event and occurrence in [from, to). */
  calendarView(room: string, from: Date, to: Date): Promise<GraphEvent[]>;
  /** The same, a page at a time. */
  calendarViewPages(room: string, from: Date, to: Date): AsyncIterable<GraphEvent[]>;
  /** One delta round: from a deltaLink, or a first round over a window. SyncStateExpired when expired. */
  calendarViewDelta(
    room: string,
    from: { deltaLink: string } | { start: Date; end: Date },
  ): Promise<{ items: GraphEvent[]; deltaLink: string }>;
}

/** The Workplace reservation system. */
export interface WorkplacePort {
  /** NotFound when there is no such reservation. */
  getReservation(id: string): Promise<Reservation>;
  /** A new reservation; a create retried with the same key returns the first one, as it was then. */
  createReservation(body: ReservationWrite, idempotencyKey: string): Promise<Reservation>;
  /** Stale when the reservation is no longer at `version`; RoomConflict when a room is taken. */
  replaceReservation(id: string, body: ReservationWrite, version: number): Promise<Reservation>;
  cancelReservation(id: string, version: number): Promise<unknown>;
  /** One room's line declined, with the reason shown in Workplace. */
  declineLine(id: string, roomId: string, reason: string): Promise<Reservation>;
  listReservations(query: ReservationQuery): AsyncIterable<Reservation>;
}

/** Links and their lookups (store/links.ts): one booking known on both sides (design §4). */
export interface LinkStore {
  get(id: string): Promise<Versioned<LinkRecord> | undefined>;
  byEvent(room: string, eventId: string): Promise<Versioned<LinkRecord> | undefined>;
  byReservation(reservationId: string): Promise<Versioned<LinkRecord> | undefined>;
  lookup(kind: ClaimKind, key: string): Promise<Lookup>;
  /** Insert-if-absent: the winner's link id (a stale claim whose link never came is taken over). */
  claim(kind: ClaimKind, key: string, linkId: string, now: Date): Promise<string>;
  releaseClaims(linkId: string, keys: [kind: ClaimKind, key: string][]): Promise<void>;
  create(link: LinkRecord): Promise<string>;
  /** Stale (side store) when the link changed since it was read with `etag`. */
  save(link: LinkRecord, etag: string): Promise<string>;
  lease(link: Versioned<LinkRecord>, until: Date): Promise<string>;
  endLease(link: LinkRecord, leaseEtag: string): Promise<void>;
  delete(link: LinkRecord): Promise<void>;
  copiesInRoom(room: string): Promise<{ linkId: string; eventId: string }[]>;
}

export type ClaimKind = 'iCalUId' | 'reservation';

/** What the sync keeps besides links: conflicts, each room's sweep state, the registered rooms. */
export interface SyncStore {
  links: LinkStore;
  conflicts: {
    add(conflict: ConflictRecord): Promise<void>;
    remove(room: string, reason: string, reservationId: string): Promise<void>;
  };
  deltaState: {
    get(room: string): Promise<DeltaStateRecord | undefined>;
    save(state: DeltaStateRecord): Promise<void>;
  };
  rooms: { list(): Promise<RoomRecord[]> };
  roomStatus: { record(outcomes: RoomOutcome[]): Promise<void> };
}

/** The sync queue: a message (back) on it, visible after the options' delay. */
export interface SyncQueue {
  enqueue(message: SyncMessage, options?: EnqueueOptions): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/** Everything a sync run needs, passed in (design: deps objects over globals). */
export interface SyncDeps {
  exchange: ExchangePort;
  workplace: WorkplacePort;
  store: SyncStore;
  queue: SyncQueue;
  clock: Clock;
  logger: Logger;
  /** Where the run reports what it did to each room (the rooms' status is written from it). */
  effects: EffectLog;
  /** How far ahead bookings are kept in sync (design §5), in days. */
  horizonDays: number;
}
