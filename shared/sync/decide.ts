import { canonicalBooking, fingerprint, type Booking, type Side } from '../model';
import type { Action, Plan, TableRule } from './plan';

/**
 * The sync decision as a table (design §5): what each side holds now, against what the link recorded
 * when the two last agreed, gives one plan. Pure; the executor (execute/) carries plans out.
 *
 * A side is *unchanged* when its fingerprint equals the recorded one (a new changeKey alone, say from
 * response tracking, is not a change), *changed* when it differs, *deleted* when it is gone (a cancelled
 * reservation counts as gone), *new* when the link has no record for it, and *absent* when it is gone
 * and the link never recorded it. The table has a row for every pair (`Cell`): leaving one out does not
 * compile (test/unit/sync/decide-cells.test.ts shows it).
 */

export type { Side };

export type ExchangeState = { kind: 'absent' } | { kind: 'present'; booking: Booking; changeKey: string };

export type WorkplaceState = { kind: 'absent' } | { kind: 'present'; booking: Booking; version: number };

export interface LinkState {
  /** Where the booking was first made: its owner. */
  origin: Side;
  exchange: { fingerprint: string } | null;
  workplace: { fingerprint: string } | null;
}

export type Change = 'absent' | 'new' | 'unchanged' | 'changed' | 'deleted';
export type Cell = `${Change}/${Change}`;

type Present<T> = Extract<T, { kind: 'present' }>;

/** What one row sees: both sides as they are, who owns the booking, and how each moved. */
interface Seen {
  exchange: ExchangeState;
  workplace: WorkplaceState;
  owner: Side;
  e: Change;
  w: Change;
}

type Row = (seen: Seen) => Omit<Plan, 'cell'>;

const plan = (rule: TableRule, ...actions: Action[]): Omit<Plan, 'cell'> => ({ rule, actions });

function changeOf(state: ExchangeState | WorkplaceState, recorded: { fingerprint: string } | null): Change {
  if (state.kind === 'absent') return recorded ? 'deleted' : 'absent';
  if (!recorded) return 'new';
  return fingerprint(state.booking) === recorded.fingerprint ? 'unchanged' : 'changed';
}

/**
 * The rooms Workplace took off an Outlook-made booking while leaving the rest as it was (what Workplace
 * may do to such a booking, like cancelling it): empty when that is not what happened.
 */
function droppedRooms(exchange: Booking, workplace: Booking): string[] {
  const kept = new Set(workplace.rooms);
  if (workplace.rooms.length === 0 || workplace.rooms.some((r) => !exchange.rooms.includes(r))) return [];
  const dropped = exchange.rooms.filter((r) => !kept.has(r));
  if (dropped.length === 0) return [];
  return fingerprint({ ...exchange, rooms: workplace.rooms }) === fingerprint(workplace) ? dropped : [];
}

/** Workplace shortening an Outlook-made booking for its rooms: same booking, inside the original times. */
function isShortening(exchange: Booking, workplace: Booking): boolean {
  if (workplace.start < exchange.start || workplace.end > exchange.end) return false;
  if (
    workplace.start.getTime() === exchange.start.getTime() &&
    workplace.end.getTime() === exchange.end.getTime()
  )
    return false;
  const sameOtherwise = (b: Booking): Booking => ({
    ...canonicalBooking(b),
    start: new Date(0),
    end: new Date(0),
  });
  return (
    exchange.recurrence === null &&
    fingerprint(sameOtherwise(exchange)) === fingerprint(sameOtherwise(workplace))
  );
}

function presentExchange(seen: Seen): Present<ExchangeState> {
  if (seen.exchange.kind !== 'present') throw new Error(`decide: no event in cell ${seen.e}/${seen.w}`);
  return seen.exchange;
}

function presentWorkplace(seen: Seen): Present<WorkplaceState> {
  if (seen.workplace.kind !== 'present')
    throw new Error(`decide: no reservation in cell ${seen.e}/${seen.w}`);
  return seen.workplace;
}

/** Neither side holds the booking. */
const nothing: Row = () => plan('nothing');
const forget: Row = () => plan('forgetGoneBooking', { kind: 'forgetLink' });

/** Only Exchange holds it, and Workplace never did. */
const exchangeOnly: Row = (seen) => {
  const exchange = presentExchange(seen);
  // An event roomsync made for a reservation that is gone (cancelled before the event's link was
  // saved): it goes too, rather than coming back as a new reservation.
  if (seen.owner === 'workplace')
    return plan(
      'deleteEventOfGoneReservation',
      { kind: 'deleteEvent', changeKey: exchange.changeKey },
      { kind: 'forgetLink' },
    );
  return plan('createReservation', { kind: 'createReservation', booking: exchange.booking });
};

/** Only Workplace holds it, and Exchange never did. */
const workplaceOnly: Row = (seen) => {
  const workplace = presentWorkplace(seen);
  // A reservation made from an Outlook meeting that is gone (its link lost to a crash): it goes too,
  // rather than coming back to Exchange as a new booking of its rooms.
  if (seen.owner === 'exchange')
    return plan(
      'cancelReservationOfGoneMeeting',
      { kind: 'cancelReservation', version: workplace.version },
      { kind: 'forgetLink' },
    );
  return plan('createEvent', { kind: 'createEvent', booking: workplace.booking });
};

/** Workplace cancelled (or lost) a booking Exchange still holds. */
const reservationGone: Row = (seen) => {
  const exchange = presentExchange(seen);
  return seen.owner === 'workplace'
    ? plan(
        'reservationCancelledDeleteEvent',
        { kind: 'deleteEvent', changeKey: exchange.changeKey },
        { kind: 'forgetLink' },
      )
    : plan(
        'reservationCancelledRoomsDecline',
        { kind: 'declineEvent', rooms: exchange.booking.rooms },
        { kind: 'forgetLink' },
      );
};

/** Exchange deleted (or lost) a booking Workplace still holds. */
const meetingGone: Row = (seen) => {
  const workplace = presentWorkplace(seen);
  // Unless Workplace owns the booking and changed it meanwhile: the owner's version wins, made again.
  if (seen.owner === 'workplace' && seen.w === 'changed')
    return plan('ownerRecreatesEvent', { kind: 'createEvent', booking: workplace.booking });
  return plan(
    'meetingGoneCancelReservation',
    { kind: 'cancelReservation', version: workplace.version },
    { kind: 'forgetLink' },
  );
};

/** Both hold it. */
const bothPresent: Row = (seen) => {
  const exchange = presentExchange(seen);
  const workplace = presentWorkplace(seen);
  // Already equal (the echo of our own write, or both made the same change): write nothing.
  if (fingerprint(exchange.booking) === fingerprint(workplace.booking)) return plan('equal');
  const toWorkplace: Action = {
    kind: 'updateReservation',
    booking: exchange.booking,
    version: workplace.version,
  };
  const toExchange: Action = {
    kind: 'updateEvent',
    booking: workplace.booking,
    changeKey: exchange.changeKey,
  };
  const eMoved = seen.e !== 'unchanged';
  const wMoved = seen.w !== 'unchanged';
  // Neither moved since the link recorded them agreeing: what differs is not ours to write.
  if (!eMoved && !wMoved) return plan('differentAsAgreed');
  if (eMoved && !wMoved) return plan('exchangeChanged', toWorkplace);
  if (wMoved && !eMoved) {
    if (seen.owner === 'workplace') return plan('workplaceChanged', toExchange);
    if (isShortening(exchange.booking, workplace.booking)) return plan('workplaceShortened', toExchange);
    const dropped = droppedRooms(exchange.booking, workplace.booking);
    if (dropped.length > 0) return plan('workplaceDroppedRooms', { kind: 'declineEvent', rooms: dropped });
    return plan('workplaceEditRefused', toWorkplace, {
      kind: 'recordConflict',
      reason: 'workplaceEditOfExchangeBooking',
      exchange: exchange.booking,
      workplace: workplace.booking,
    });
  }
  // First seen together (a link lost to a crash between a write and its save, say): nothing was agreed
  // before, so there is no conflict to record; the owner's version is the booking.
  if (seen.e === 'new' && seen.w === 'new')
    return seen.owner === 'exchange' ? plan('firstSeen', toWorkplace) : plan('firstSeen', toExchange);
  const conflict: Action = {
    kind: 'recordConflict',
    reason: 'bothChanged',
    exchange: exchange.booking,
    workplace: workplace.booking,
  };
  return seen.owner === 'exchange'
    ? plan('bothChanged', toWorkplace, conflict)
    : plan('bothChanged', toExchange, conflict);
};

/**
 * The table, exchange change / workplace change. A present side is new, unchanged or changed; a gone
 * one absent (never recorded) or deleted (recorded, now gone):
 *
 * | Exchange \ Workplace | absent             | deleted                              | present        |
 * |----------------------|--------------------|--------------------------------------|----------------|
 * | absent               | nothing            | forget the link                      | workplaceOnly  |
 * | deleted              | forget the link    | forget the link                      | meetingGone    |
 * | present              | exchangeOnly       | reservationGone                      | bothPresent    |
 */
const TABLE: { readonly [C in Cell]: Row } = {
  'absent/absent': nothing,
  'absent/deleted': forget,
  'absent/new': workplaceOnly,
  'absent/unchanged': workplaceOnly,
  'absent/changed': workplaceOnly,
  'deleted/absent': forget,
  'deleted/deleted': forget,
  'deleted/new': meetingGone,
  'deleted/unchanged': meetingGone,
  'deleted/changed': meetingGone,
  'new/absent': exchangeOnly,
  'new/deleted': reservationGone,
  'new/new': bothPresent,
  'new/unchanged': bothPresent,
  'new/changed': bothPresent,
  'unchanged/absent': exchangeOnly,
  'unchanged/deleted': reservationGone,
  'unchanged/new': bothPresent,
  'unchanged/unchanged': bothPresent,
  'unchanged/changed': bothPresent,
  'changed/absent': exchangeOnly,
  'changed/deleted': reservationGone,
  'changed/new': bothPresent,
  'changed/unchanged': bothPresent,
  'changed/changed': bothPresent,
};

export function decide(exchange: ExchangeState, workplace: WorkplaceState, link: LinkState | null): Plan {
  const e = changeOf(exchange, link?.exchange ?? null);
  const w = changeOf(workplace, link?.workplace ?? null);
  const owner: Side = link?.origin ?? (exchange.kind === 'present' ? 'exchange' : 'workplace');
  const cell: Cell = `${e}/${w}`;
  return { ...TABLE[cell]({ exchange, workplace, owner, e, w }), cell };
}
