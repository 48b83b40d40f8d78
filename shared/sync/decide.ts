import { canonicalBooking, fingerprint, type Booking } from '../model';

/**
 * The sync decision as a table (design §5): what each side holds now, against what the link recorded
 * when the two last agreed, gives one plan. Pure; `apply` executes plans and records the new link.
 *
 * A side is *unchanged* when its fingerprint equals the recorded one (a new changeKey alone, say from
 * response tracking, is not a change), *changed* when it differs, *deleted* when it is gone (a cancelled
 * reservation counts as gone), and *new* when the link has no record for it.
 */

export type Side = 'exchange' | 'workplace';

export type ExchangeState = { kind: 'absent' } | { kind: 'present'; booking: Booking; changeKey: string };

export type WorkplaceState = { kind: 'absent' } | { kind: 'present'; booking: Booking; version: number };

export interface LinkState {
  /** Where the booking was first made: its owner. */
  origin: Side;
  exchange: { fingerprint: string } | null;
  workplace: { fingerprint: string } | null;
}

export type Action =
  | { kind: 'createReservation'; booking: Booking }
  | { kind: 'updateReservation'; booking: Booking; version: number }
  | { kind: 'cancelReservation'; version: number }
  | { kind: 'createEvent'; booking: Booking }
  | { kind: 'updateEvent'; booking: Booking; changeKey: string }
  | { kind: 'deleteEvent'; changeKey: string }
  /** An Outlook-made meeting cancelled from Workplace: the rooms decline; the organizer keeps the meeting. */
  | { kind: 'declineEvent'; rooms: string[] }
  | { kind: 'recordConflict'; reason: ConflictReason; exchange: Booking | null; workplace: Booking | null }
  | { kind: 'forgetLink' };

export type ConflictReason =
  /** Workplace edited a booking made in Outlook beyond what it may (cancel or shorten): Exchange's wins. */
  | 'workplaceEditOfExchangeBooking'
  /** Both sides changed since they last agreed: the owner's version wins, the other is kept here. */
  | 'bothChanged';

export type Change = 'new' | 'unchanged' | 'changed' | 'deleted' | 'absent';

export interface Plan {
  /** The row of the table that decided, for logs and tests: `exchange:changed/workplace:unchanged`. */
  rule: string;
  actions: Action[];
}

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

type Present<T> = Extract<T, { kind: 'present' }>;

/**
 * The table. Rows by what each side did since the link last recorded it:
 *
 * | Exchange \ Workplace | gone (never there)      | gone (deleted)                       | present                         |
 * |---------------------|-------------------------|--------------------------------------|---------------------------------|
 * | gone (never there)  | nothing                 | forget the link                      | create the event                |
 * | gone (deleted)      | forget the link         | forget the link                      | cancel the reservation (*)      |
 * | present             | create the reservation  | owner W: delete the event;           | see below                       |
 * |                     |                         | owner E: the rooms decline           |                                 |
 *
 * (*) unless Workplace owns the booking and changed it meanwhile: the owner's version wins, the event is
 * made again. Both present: equal content → nothing; only Exchange moved → Workplace follows (a
 * delegate's edit of a Workplace-made booking is still an edit of it); only Workplace moved → the event
 * follows when Workplace owns it or only shortened it, those rooms decline when Workplace only took rooms
 * off it, else Exchange's version is restored and the refused
 * edit recorded; both moved → the owner's version wins and the other is recorded as a conflict.
 */
export function decide(exchange: ExchangeState, workplace: WorkplaceState, link: LinkState | null): Plan {
  const e = changeOf(exchange, link?.exchange ?? null);
  const w = changeOf(workplace, link?.workplace ?? null);
  const rule = `exchange:${e}/workplace:${w}`;
  const plan = (...actions: Action[]): Plan => ({ rule, actions });
  const owner: Side = link?.origin ?? (exchange.kind === 'present' ? 'exchange' : 'workplace');

  if (exchange.kind === 'absent' && workplace.kind === 'absent') {
    return e === 'deleted' || w === 'deleted' ? plan({ kind: 'forgetLink' }) : plan();
  }
  if (exchange.kind === 'present' && workplace.kind === 'absent') {
    if (w === 'absent') {
      // An event roomsync made for a reservation that is gone (cancelled before the event's link was
      // saved): it goes too, rather than coming back as a new reservation.
      if (owner === 'workplace')
        return plan({ kind: 'deleteEvent', changeKey: exchange.changeKey }, { kind: 'forgetLink' });
      return plan({ kind: 'createReservation', booking: exchange.booking });
    }
    return owner === 'workplace'
      ? plan({ kind: 'deleteEvent', changeKey: exchange.changeKey }, { kind: 'forgetLink' })
      : plan({ kind: 'declineEvent', rooms: exchange.booking.rooms }, { kind: 'forgetLink' });
  }
  if (exchange.kind === 'absent' && workplace.kind === 'present') {
    if (e === 'absent') {
      // A reservation made from an Outlook meeting that is gone (its link lost to a crash): it goes
      // too, rather than coming back to Exchange as a new booking of its rooms.
      if (owner === 'exchange')
        return plan({ kind: 'cancelReservation', version: workplace.version }, { kind: 'forgetLink' });
      return plan({ kind: 'createEvent', booking: workplace.booking });
    }
    if (owner === 'workplace' && w === 'changed')
      return plan({ kind: 'createEvent', booking: workplace.booking });
    return plan({ kind: 'cancelReservation', version: workplace.version }, { kind: 'forgetLink' });
  }
  return bothPresent(
    exchange as Present<ExchangeState>,
    workplace as Present<WorkplaceState>,
    e,
    w,
    owner,
    plan,
  );
}

function bothPresent(
  exchange: Present<ExchangeState>,
  workplace: Present<WorkplaceState>,
  e: Change,
  w: Change,
  owner: Side,
  plan: (...actions: Action[]) => Plan,
): Plan {
  // Already equal (the echo of our own write, or both made the same change): write nothing.
  if (fingerprint(exchange.booking) === fingerprint(workplace.booking)) return plan();
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
  const eMoved = e !== 'unchanged';
  const wMoved = w !== 'unchanged';
  // Neither moved since the link recorded them agreeing: what differs is not ours to write.
  if (!eMoved && !wMoved) return plan();
  if (eMoved && !wMoved) return plan(toWorkplace);
  if (wMoved && !eMoved) {
    if (owner === 'workplace' || isShortening(exchange.booking, workplace.booking)) return plan(toExchange);
    const dropped = droppedRooms(exchange.booking, workplace.booking);
    if (dropped.length > 0) return plan({ kind: 'declineEvent', rooms: dropped });
    return plan(toWorkplace, {
      kind: 'recordConflict',
      reason: 'workplaceEditOfExchangeBooking',
      exchange: exchange.booking,
      workplace: workplace.booking,
    });
  }
  // First seen together (a link lost to a crash between a write and its save, say): nothing was agreed
  // before, so there is no conflict to record; the owner's version is the booking.
  if (e === 'new' && w === 'new') return owner === 'exchange' ? plan(toWorkplace) : plan(toExchange);
  const conflict: Action = {
    kind: 'recordConflict',
    reason: 'bothChanged',
    exchange: exchange.booking,
    workplace: workplace.booking,
  };
  return owner === 'exchange' ? plan(toWorkplace, conflict) : plan(toExchange, conflict);
}
