import { createHash, randomUUID } from 'node:crypto';
import type { Side } from '../model/side';
import { Stale } from '../errors';
import { concurrentUpdate, type JsonTable, type Versioned } from './table';

/** One booking known on both sides (design §4). */
export interface LinkRecord {
  id: string;
  origin: Side;
  /** For Workplace-made bookings: the room whose calendar holds the event (its organizer). */
  organizerRoom: string | null;
  reservationId: string | null;
  iCalUId: string | null;
  /**
   * Each room's copy of the event, with the changeKey last written or read, and earlier changeKeys of it
   * already seen (`seen`): a late notification naming one of those is nothing new.
   */
  copies: { room: string; eventId: string; changeKey: string | null; seen?: string[] }[];
  /** Fingerprints of the Booking each side last agreed on, and Workplace's version then. */
  exchangeFingerprint: string | null;
  workplaceFingerprint: string | null;
  workplaceVersion: number | null;
  /** Rooms that left a multi-room booking in Exchange (copy deleted or declined); their lines are declined. */
  releasedRooms?: string[];
  /** Whether the booking repeats: a sweep that sees occurrences vanish checks the room's series. */
  isSeries?: boolean;
  /** Why the booking is not written to the other side (a pattern Exchange cannot express), while so. */
  notSynced?: { reason: 'unsupportedRecurrence'; detail: string } | null;
  /**
   * A worker is writing the booking to a side until then (a lease): what the sides hold may be half
   * written, so no other worker decides on them meanwhile. A lease whose worker died lapses.
   */
  writingUntil?: string | null;
  /** The correlation id of the change that last wrote a side: its echo names it (logs' `causedBy`). */
  writtenBy?: string | null;
  updatedAt: string;
}

export type IndexKind = 'event' | 'iCalUId' | 'reservation';

export type Lookup =
  | { state: 'none' }
  | { state: 'pending'; linkId: string; claimedAt: string | undefined }
  | { state: 'linked'; link: Versioned<LinkRecord> };

interface IndexRow {
  linkId: string;
  /** For a claim: when it was made, so a claim whose worker died can be taken over. */
  claimedAt?: string;
  /**
   * For a row written with its link: when. A row naming a link that never came (its create died) or
   * is gone (deleted while another worker's save was writing its rows) is taken over once this old.
   */
  writtenAt?: string;
  /** For an event's row: whose calendar holds it, and its id (so a room's copies can be listed). */
  room?: string;
  eventId?: string;
}

/**
 * Rows are spread over many partitions: Azure Table storage serves one partition from one server (about
 * 2,000 operations a second), and a backfill of many rooms writes thousands of links at once. A room's
 * event rows share its partition, so its copies are listed with one query; links and the iCalUId and
 * reservation rows go by a hash of their key (point reads only).
 */
const BUCKETS = 64;

function bucket(key: string): string {
  const n = createHash('sha1').update(key).digest().readUInt16BE(0) % BUCKETS;
  return n.toString(16).padStart(2, '0');
}

function linkPartition(id: string): string {
  return `link-${bucket(id)}`;
}

function indexPartition(kind: IndexKind, key: string): string {
  // An event's key starts with its room (eventIndexKey).
  if (kind === 'event') return roomEventsPartition(key.slice(0, key.indexOf(' ')));
  return `by-${kind}-${bucket(key)}`;
}

function roomEventsPartition(room: string): string {
  return `by-event ${room.toLowerCase()}`;
}

function eventIndexKey(room: string, eventId: string): string {
  return `${room.toLowerCase()} ${eventId}`;
}

/**
 * Links and their lookups. A lookup by (room, eventId), by iCalUId or by reservation id is one point read
 * of an index row, then one of the link. Index rows are written before the link points at them and are
 * idempotent, so a crash between the writes leaves at worst an index row that names a link to re-read.
 */
export class LinkRepository {
  constructor(
    private readonly links: JsonTable<LinkRecord>,
    private readonly index: JsonTable<IndexRow>,
  ) {}

  static newId(): string {
    return randomUUID();
  }

  get(id: string): Promise<Versioned<LinkRecord> | undefined> {
    return this.links.get(linkPartition(id), id);
  }

  private async via(kind: IndexKind, key: string): Promise<Versioned<LinkRecord> | undefined> {
    const row = await this.index.get(indexPartition(kind, key), key);
    return row ? this.get(row.value.linkId) : undefined;
  }

  byEvent(room: string, eventId: string): Promise<Versioned<LinkRecord> | undefined> {
    return this.via('event', eventIndexKey(room, eventId));
  }

  byICalUId(iCalUId: string): Promise<Versioned<LinkRecord> | undefined> {
    return this.via('iCalUId', iCalUId);
  }

  byReservation(reservationId: string): Promise<Versioned<LinkRecord> | undefined> {
    return this.via('reservation', reservationId);
  }

  /** How many events of a room the links know (its booked items, occurrences of a series as one). */
  async countForRoom(room: string): Promise<number> {
    return (await this.copiesInRoom(room)).length;
  }

  /** The events of a room the links know, with their links. */
  async copiesInRoom(room: string): Promise<{ linkId: string; eventId: string }[]> {
    const rows = await this.index.list(roomEventsPartition(room));
    return rows.flatMap(({ value }) =>
      value.eventId ? [{ linkId: value.linkId, eventId: value.eventId }] : [],
    );
  }

  /**
   * A booking's entry under one key: none, claimed by a worker that has not written its link yet
   * (pending), or linked.
   */
  async lookup(kind: 'iCalUId' | 'reservation', key: string): Promise<Lookup> {
    const row = await this.index.get(indexPartition(kind, key), key);
    if (!row) return { state: 'none' };
    const link = await this.get(row.value.linkId);
    return link
      ? { state: 'linked', link }
      : { state: 'pending', linkId: row.value.linkId, claimedAt: row.value.claimedAt };
  }

  /**
   * Claims a booking for a link, insert-if-absent, by the meeting's iCalUId or the reservation's id: when
   * several messages about one booking (two rooms' notifications, the echo of the write that made it)
   * arrive together, one claim wins and the others learn the winner's link id. A claim older than
   * `staleAfterMs` whose link was never written (its worker died) is taken over.
   */
  async claim(
    kind: 'iCalUId' | 'reservation',
    key: string,
    linkId: string,
    now = new Date(),
    staleAfterMs = 60_000,
  ): Promise<string> {
    const claim = { linkId, claimedAt: now.toISOString() };
    if (await this.index.insert(indexPartition(kind, key), key, claim)) return linkId;
    const existing = await this.index.get(indexPartition(kind, key), key);
    if (!existing) return this.claim(kind, key, linkId, now, staleAfterMs);
    // A row written with its link whose link is not there after a while names a link that will not
    // come; so does a claim whose worker died.
    const since = existing.value.claimedAt ?? existing.value.writtenAt;
    const age = since === undefined ? Infinity : now.getTime() - Date.parse(since);
    if (age > staleAfterMs && !(await this.get(existing.value.linkId))) {
      await this.index.replace(indexPartition(kind, key), key, claim, existing.etag);
      return linkId;
    }
    return existing.value.linkId;
  }

  /**
   * Gives up claims `linkId` holds on `keys` and never linked (its worker decided there was nothing to
   * link), so later changes of the booking are not kept waiting for a link that will not come.
   */
  async releaseClaims(linkId: string, keys: [kind: 'iCalUId' | 'reservation', key: string][]): Promise<void> {
    for (const [kind, key] of keys) {
      const row = await this.index.get(indexPartition(kind, key), key);
      if (row?.value.linkId === linkId && row.value.claimedAt !== undefined)
        await this.index.delete(indexPartition(kind, key), key, row.etag);
    }
  }

  claimICalUId(iCalUId: string, linkId: string, now = new Date(), staleAfterMs = 60_000): Promise<string> {
    return this.claim('iCalUId', iCalUId, linkId, now, staleAfterMs);
  }

  /** Writes a new link and its index rows. */
  async create(link: LinkRecord): Promise<string> {
    await this.writeIndex(link);
    const etag = await this.links.create(linkPartition(link.id), link.id, link);
    if (etag === undefined) throw concurrentUpdate(`link ${link.id}`);
    return etag;
  }

  /** Replaces a link read with `etag`; Stale when another worker changed it since. */
  async save(link: LinkRecord, etag: string): Promise<string> {
    await this.writeIndex(link);
    return this.links.replace(linkPartition(link.id), link.id, link, etag);
  }

  /**
   * Takes the link's write lease, if the link is still as read (`etag`): Stale otherwise. Only
   * the link's row changes; the returned etag is the one the write's final save must match.
   */
  lease(link: Versioned<LinkRecord>, until: Date): Promise<string> {
    return this.links.replace(
      linkPartition(link.value.id),
      link.value.id,
      { ...link.value, writingUntil: until.toISOString() },
      link.etag,
    );
  }

  /** Gives a lease back unused (the write failed): the link as it was before. Lost to a takeover: fine. */
  async endLease(link: LinkRecord, leaseEtag: string): Promise<void> {
    try {
      await this.links.replace(linkPartition(link.id), link.id, { ...link, writingUntil: null }, leaseEtag);
    } catch (err) {
      if (!(err instanceof Stale && err.side === 'store')) throw err;
    }
  }

  async delete(link: LinkRecord): Promise<void> {
    await this.links.delete(linkPartition(link.id), link.id);
    await Promise.all(
      indexRows(link).map(({ kind, key }) => this.index.delete(indexPartition(kind, key), key)),
    );
  }

  private async writeIndex(link: LinkRecord): Promise<void> {
    // Independent rows: written together (all of them are written before the link either way).
    await Promise.all(
      indexRows(link).map(({ kind, key, row }) => this.index.put(indexPartition(kind, key), key, row)),
    );
  }
}

/**
 * A link's index rows: its copies', its reservation's and its iCalUId's, each stamped with the link's own
 * time (the sync's clock, as claims use, set just before the write); a copy's also says whose event it is.
 */
function indexRows(link: LinkRecord): { kind: IndexKind; key: string; row: IndexRow }[] {
  const row = { linkId: link.id, writtenAt: link.updatedAt };
  return [
    ...link.copies.map((copy) => ({
      kind: 'event' as const,
      key: eventIndexKey(copy.room, copy.eventId),
      row: { ...row, room: copy.room.toLowerCase(), eventId: copy.eventId },
    })),
    ...(link.reservationId ? [{ kind: 'reservation' as const, key: link.reservationId, row }] : []),
    ...(link.iCalUId ? [{ kind: 'iCalUId' as const, key: link.iCalUId, row }] : []),
  ];
}
