import { RestError, type TableClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import { tableKey } from './table';

/**
 * How each room's sync has been going, as the sync worker saw it: one row per room (table `roomstatus`),
 * written once per processed message with a merge upsert, so a message only sets the columns it has news
 * for and never needs to read the row first. Only a failure or a decline (which bump a counter) reads
 * the row before writing; those are rare, and two workers counting at the same instant may lose one
 * increment (an operator's figure, not an invariant). What the status page (GET /api/status) shows.
 *
 * Nothing here holds a secret or an attendee's address: reasons are masked before they are recorded.
 */

/** When the worker finished a message about the room without error. */
export interface LastSync {
  at: string;
  /** The queue message's kind (graphChange, workplaceChange, roomCheck, backfill, reconcile). */
  kind: string;
  correlationId: string;
}

/**
 * What `lagMs` was measured from: `workplaceChange` is the Workplace reservation's own `updatedAt` for
 * the version its webhook announced (the change made in Workplace → applied to Exchange); `queued` is
 * the queue message's insertion time (the change known to roomsync → applied).
 */
export type LagBasis = 'workplaceChange' | 'queued';

/** The last message about the room that wrote to either side. */
export interface LastChange {
  at: string;
  correlationId: string;
  lagMs: number | null;
  lagFrom: LagBasis | null;
}

export interface LastError {
  at: string;
  kind: string;
  /** The error's name and message, credentials and addresses masked. */
  reason: string;
  correlationId: string;
}

/** Exchange replaced (AddOrganizerToSubject with DeleteSubject) or prefixed the subject of a room copy. */
export interface SubjectStripped {
  at: string;
  how: 'replaced' | 'prefixed';
  correlationId: string;
}

/** A room declining a booking (it held no copy, and roomsync declined its line in Workplace). */
export interface DeclineSeen {
  at: string;
  correlationId: string;
  /** The booking's start (the series' first) as an instant; null when unreadable. */
  startsAt: string | null;
  /** Whole days from the decline to the start. */
  startsInDays: number | null;
  /** For a series: days to its last occurrence, or null when it never ends. Absent for a single booking. */
  endsInDays?: number | null;
  /** Whether the heuristic takes it for the room's booking window (status/detect.ts). */
  bookingWindow: boolean;
}

/** The last sweep (reconcile) or full comparison (backfill) of the room that went through. */
export interface LastSweep {
  at: string;
  kind: string;
  correlationId: string;
}

export interface RoomStatusRecord {
  room: string;
  lastSync: LastSync | null;
  lastSweep: LastSweep | null;
  lastChange: LastChange | null;
  /** Failed tries of messages about the room, ever recorded. */
  errors: number;
  /** Failed tries since the room's last message handled without error (0 once one succeeds). */
  failuresSinceSync: number;
  lastError: LastError | null;
  subjectStripped: SubjectStripped | null;
  /** The last time a room copy kept its organizer's subject: a later one means the setting was fixed. */
  subjectKeptAt: string | null;
  declines: number;
  lastDecline: DeclineSeen | null;
  bookingWindowDeclines: number;
  lastBookingWindowDecline: DeclineSeen | null;
}

/** What one processed queue message tells about one room. */
export interface RoomOutcome {
  room: string;
  at: Date;
  kind: string;
  correlationId: string;
  /** Set when the message failed (masked reason); absent when it was handled. */
  error?: string;
  /** Set when the message wrote to either side. */
  change?: { lagMs: number | null; lagFrom: LagBasis | null };
  subject?: 'replaced' | 'prefixed' | 'kept';
  declines?: Omit<DeclineSeen, 'at' | 'correlationId'>[];
  /** Set when the message was the room's sweep or full comparison, and it went through. */
  sweep?: true;
}

const PARTITION = 'room';

/** The columns, each a JSON text or a number, so a merge can set some and leave the others. */
type Columns = Partial<{
  room: string;
  lastSync: string;
  lastSweep: string;
  lastChange: string;
  errors: number;
  failuresSinceSync: number;
  lastError: string;
  subjectStripped: string;
  subjectKeptAt: string;
  declines: number;
  lastDecline: string;
  bookingWindowDeclines: number;
  lastBookingWindowDecline: string;
}>;

const status = (err: unknown): number | undefined => (err instanceof RestError ? err.statusCode : undefined);

function parsed(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

function recordOf(entity: Columns, fallbackRoom: string): RoomStatusRecord {
  return {
    room: typeof entity.room === 'string' ? entity.room : fallbackRoom,
    lastSync: parsed(entity.lastSync) as LastSync | null,
    lastSweep: parsed(entity.lastSweep) as LastSweep | null,
    lastChange: parsed(entity.lastChange) as LastChange | null,
    errors: count(entity.errors),
    failuresSinceSync: count(entity.failuresSinceSync),
    lastError: parsed(entity.lastError) as LastError | null,
    subjectStripped: parsed(entity.subjectStripped) as SubjectStripped | null,
    subjectKeptAt: typeof entity.subjectKeptAt === 'string' ? entity.subjectKeptAt : null,
    declines: count(entity.declines),
    lastDecline: parsed(entity.lastDecline) as DeclineSeen | null,
    bookingWindowDeclines: count(entity.bookingWindowDeclines),
    lastBookingWindowDecline: parsed(entity.lastBookingWindowDecline) as DeclineSeen | null,
  };
}

/** The columns an outcome sets; counters from `current` (read only when the outcome bumps one). */
export function columnsOf(outcome: RoomOutcome, current: RoomStatusRecord | undefined): Columns {
  const at = outcome.at.toISOString();
  const { correlationId, kind } = outcome;
  const columns: Columns = { room: outcome.room.toLowerCase() };
  if (outcome.error === undefined) {
    columns.lastSync = JSON.stringify({ at, kind, correlationId } satisfies LastSync);
    columns.failuresSinceSync = 0;
    if (outcome.sweep) columns.lastSweep = JSON.stringify({ at, kind, correlationId } satisfies LastSweep);
  } else {
    columns.errors = (current?.errors ?? 0) + 1;
    columns.failuresSinceSync = (current?.failuresSinceSync ?? 0) + 1;
    columns.lastError = JSON.stringify({
      at,
      kind,
      reason: outcome.error,
      correlationId,
    } satisfies LastError);
  }
  if (outcome.change) {
    columns.lastChange = JSON.stringify({ at, correlationId, ...outcome.change } satisfies LastChange);
  }
  if (outcome.subject === 'kept') columns.subjectKeptAt = at;
  else if (outcome.subject) {
    columns.subjectStripped = JSON.stringify({
      at,
      how: outcome.subject,
      correlationId,
    } satisfies SubjectStripped);
  }
  const declines = (outcome.declines ?? []).map((d) => ({ at, correlationId, ...d }) satisfies DeclineSeen);
  const last = declines.at(-1);
  if (last) {
    columns.declines = (current?.declines ?? 0) + declines.length;
    columns.lastDecline = JSON.stringify(last);
  }
  const window = declines.filter((d) => d.bookingWindow);
  const lastWindow = window.at(-1);
  if (lastWindow) {
    columns.bookingWindowDeclines = (current?.bookingWindowDeclines ?? 0) + window.length;
    columns.lastBookingWindowDecline = JSON.stringify(lastWindow);
  }
  return columns;
}

export class RoomStatusRepository {
  constructor(private readonly client: TableClient) {}

  async ensure(): Promise<void> {
    try {
      await this.client.createTable();
    } catch (err) {
      if (status(err) !== 409) throw err;
    }
  }

  async get(room: string): Promise<RoomStatusRecord | undefined> {
    try {
      const entity = await this.client.getEntity<Columns>(PARTITION, tableKey(room.toLowerCase()));
      return recordOf(entity, room.toLowerCase());
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  async list(): Promise<RoomStatusRecord[]> {
    const out: RoomStatusRecord[] = [];
    for await (const entity of this.client.listEntities<Columns>({
      queryOptions: { filter: `PartitionKey eq '${PARTITION}'` },
    })) {
      out.push(recordOf(entity, decodeURIComponent(entity.rowKey ?? '')));
    }
    return out.sort((a, b) => a.room.localeCompare(b.room));
  }

  /**
   * Records one message's outcomes, one per room, in one request (a batch within the partition when the
   * message concerned several rooms). A row is read first only when an outcome bumps a counter.
   */
  async record(outcomes: RoomOutcome[]): Promise<void> {
    const rooms = new Set<string>();
    const entities: TableEntity<Columns>[] = [];
    for (const outcome of outcomes) {
      const room = outcome.room.toLowerCase();
      // A batch may touch a row once; the worker gives one outcome per room.
      if (rooms.has(room)) continue;
      rooms.add(room);
      const counts = outcome.error !== undefined || (outcome.declines?.length ?? 0) > 0;
      const current = counts ? await this.get(room) : undefined;
      entities.push({ partitionKey: PARTITION, rowKey: tableKey(room), ...columnsOf(outcome, current) });
    }
    const [only] = entities;
    if (!only) return;
    if (entities.length === 1) {
      await this.client.upsertEntity(only, 'Merge');
      return;
    }
    await this.client.submitTransaction(
      entities.map((entity): TransactionAction => ['upsert', entity, 'Merge']),
    );
  }

  /** Forgets a room's status (it was unregistered). */
  async remove(room: string): Promise<void> {
    try {
      await this.client.deleteEntity(PARTITION, tableKey(room.toLowerCase()));
    } catch (err) {
      if (status(err) !== 404) throw err;
    }
  }
}
