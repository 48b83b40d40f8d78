import { fingerprint } from '../model';
import type { LinkRecord, Versioned } from '../store';
import { LinkInProgress } from './claims';
import { decide, type Cell, type ExchangeState, type WorkplaceState } from './decide';
import { execute } from './execute';
import { leaseEnd, leased, recordCopy, roomsOfLink } from './link-record';
import type { Action, Rule } from './plan';
import type { SyncDeps } from './ports';
import type { Sides } from './sides';
import { cancelsForVanishedEvent, removalsWithheld, withoutReleasedRooms, type ClaimKey } from './triage';

/** What one change came to: the decision, how many writes, and what follows. */
export interface SyncOutcome {
  rule: Rule;
  /** The table's cell, when the table decided. */
  cell?: Cell;
  writes: number;
  /** Why nothing was read or written, when that was decided before reading. */
  skipped?: 'echo' | 'notSynced';
  /** For an echo: the correlation id of the change whose write it is, to follow one change in the logs. */
  causedBy?: string;
  /**
   * A link whose rooms should be looked at again a little later: the write just made names registered
   * rooms whose copies have not been seen (still being processed by Exchange, or declined at invitation).
   */
  checkRoomsOf?: string;
}

function exchangeState(exchange: Sides['exchange']): ExchangeState {
  return exchange
    ? { kind: 'present', booking: exchange.booking, changeKey: exchange.event.changeKey ?? '' }
    : { kind: 'absent' };
}

function workplaceState(workplace: Sides['workplace']): WorkplaceState {
  return workplace
    ? { kind: 'present', booking: workplace.booking, version: workplace.reservation.version }
    : { kind: 'absent' };
}

/** Whether a room of the booking has removals withheld by its sweep, not yet confirmed. */
async function anyRoomWithholds(record: LinkRecord, deps: SyncDeps): Promise<boolean> {
  for (const room of roomsOfLink(record)) {
    if (removalsWithheld(await deps.store.deltaState.get(room))) return true;
  }
  return false;
}

const EXCHANGE_WRITES: ReadonlySet<Action['kind']> = new Set([
  'createEvent',
  'updateEvent',
  'deleteEvent',
  'declineEvent',
]);
const WORKPLACE_WRITES: ReadonlySet<Action['kind']> = new Set([
  'createReservation',
  'updateReservation',
  'cancelReservation',
]);

/**
 * The agreement the next run compares with: what each side holds now, as written or else as read.
 * A side the plan did not write is recorded as read.
 */
function agreement(
  record: LinkRecord,
  sides: Sides,
  actions: Action[],
  writes: number,
  now: Date,
): LinkRecord {
  const wrote = (kinds: ReadonlySet<Action['kind']>): boolean => actions.some((a) => kinds.has(a.kind));
  let next = record;
  if (sides.exchange && !wrote(EXCHANGE_WRITES)) {
    next = {
      ...next,
      exchangeFingerprint: fingerprint(sides.exchange.booking),
      iCalUId: next.iCalUId ?? sides.exchange.event.iCalUId ?? null,
      copies: recordCopy(next.copies, sides.exchange.room, sides.exchange.event, sides.notified),
    };
  }
  if (sides.workplace && !wrote(WORKPLACE_WRITES)) {
    next = {
      ...next,
      reservationId: sides.workplace.reservation.id,
      workplaceVersion: sides.workplace.reservation.version,
      workplaceFingerprint: fingerprint(sides.workplace.booking),
    };
  }
  const known = sides.workplace?.booking ?? sides.exchange?.booking;
  return {
    ...next,
    ...(known ? { isSeries: known.recurrence !== null } : {}),
    ...(writes > 0 ? { writtenBy: sides.correlationId } : {}),
    writingUntil: null,
    updatedAt: now.toISOString(),
  };
}

/** The rooms a plan's write names whose copies the link has not seen yet. */
function unseenRooms(actions: Action[], record: LinkRecord): string[] {
  const written = actions.find(
    (a): a is Extract<Action, { booking: unknown }> =>
      a.kind === 'createReservation' ||
      a.kind === 'updateReservation' ||
      a.kind === 'createEvent' ||
      a.kind === 'updateEvent',
  );
  const rooms = written ? written.booking.rooms : [];
  return rooms.filter((room) => !record.copies.some((c) => c.room === room));
}

/**
 * Decides on the sides as read and carries the plan out, then saves the link. `claimed`: the keys this
 * run claimed for a booking seen without a link, released when it ends without one.
 */
export async function settle(
  link: Versioned<LinkRecord> | undefined,
  read: Sides,
  deps: SyncDeps,
  claimed: ClaimKey[] = [],
): Promise<SyncOutcome> {
  const sides: Sides = { ...read, exchange: withoutReleasedRooms(read.record, read.exchange) };
  const record = sides.record;
  const plan = decide(
    exchangeState(sides.exchange),
    workplaceState(sides.workplace),
    // A link about to be made already knows which side owns the booking.
    {
      origin: record.origin,
      exchange: record.exchangeFingerprint ? { fingerprint: record.exchangeFingerprint } : null,
      workplace: record.workplaceFingerprint ? { fingerprint: record.workplaceFingerprint } : null,
    },
  );
  const links = deps.store.links;
  if (cancelsForVanishedEvent(plan, sides.exchange) && (await anyRoomWithholds(record, deps))) {
    // The room's sweep found too much gone at once and withholds it until an administrator confirms
    // (never mass-delete on a guess): a single message must not cancel it behind the sweep's back.
    if (!link) await links.releaseClaims(record.id, claimed);
    return { rule: 'withheld', writes: 0 };
  }
  // Another worker may be writing this booking: what this one read of the sides may then hold its write
  // while the link does not yet, and deciding on that mix would undo it. The writer holds a lease on the
  // link from before its write until the link's save; a link read before the lease fails the lease's
  // conditional save below, one read during it waits here.
  let etag = link?.etag;
  if (link) {
    if (leased(link.value, deps.clock.now())) throw new LinkInProgress(`link ${link.value.id}`);
    if (plan.actions.length > 0) etag = await links.lease(link, leaseEnd(deps.clock.now()));
  }
  let applied: Awaited<ReturnType<typeof execute>>;
  try {
    applied = await execute(plan, sides, deps);
  } catch (err) {
    // A retry will claim again; a claim left behind would keep every other message of this booking
    // waiting for a link this run will not write, and a lease kept would hold them until it lapses.
    // (Writes already made are safe to repeat: the Idempotency-Key and transactionId return the first
    // result.)
    if (!link) await links.releaseClaims(record.id, claimed);
    else if (etag !== link.etag && etag) await links.endLease(link.value, etag);
    throw err;
  }
  const next = agreement(applied.record, sides, plan.actions, applied.writes, deps.clock.now());
  const outcome = { rule: plan.rule, cell: plan.cell, writes: applied.writes };
  if (!applied.forget && (next.copies.length > 0 || next.workplaceFingerprint !== null)) {
    if (link && etag) await links.save(next, etag);
    else await links.create(next);
    return unseenRooms(plan.actions, next).length > 0 ? { ...outcome, checkRoomsOf: next.id } : outcome;
  }
  if (applied.forget && link) await links.delete(link.value);
  // Nothing linked: the claims made for this booking must not keep its next changes waiting, nor (the
  // link kept as it was) its lease.
  if (!link) await links.releaseClaims(record.id, claimed);
  else if (!applied.forget && etag && etag !== link.etag) await links.endLease(link.value, etag);
  return outcome;
}
