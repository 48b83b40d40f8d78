import type { Booking } from '../model';
import type { Cell } from './decide';

/**
 * What the sync decided for one change, in one vocabulary: the actions the executor carries out, and
 * the `Rule` that names the decision (for logs, metrics and tests). Table rules come from `decide`;
 * triage rules from the checks before and around it (triage.ts), which end a change early or turn it
 * into something else.
 */

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

/** The decisions of the table (decide.ts), one per kind of outcome. */
export type TableRule =
  | 'nothing'
  | 'forgetGoneBooking'
  | 'createReservation'
  | 'createEvent'
  | 'deleteEventOfGoneReservation'
  | 'cancelReservationOfGoneMeeting'
  | 'reservationCancelledDeleteEvent'
  | 'reservationCancelledRoomsDecline'
  | 'ownerRecreatesEvent'
  | 'meetingGoneCancelReservation'
  | 'equal'
  | 'differentAsAgreed'
  | 'exchangeChanged'
  | 'workplaceChanged'
  | 'workplaceShortened'
  | 'workplaceDroppedRooms'
  | 'workplaceEditRefused'
  | 'firstSeen'
  | 'bothChanged';

/** The decisions made before, around or instead of the table (triage.ts). */
export type TriageRule =
  /** A notification or webhook of a state already read or written: nothing read, nothing written. */
  | 'echo'
  /** A deletion of an event no link holds (roomsync's own delete, or never synced): nothing to read. */
  | 'unlinkedDeleted'
  /** A room, or a reservation's rooms, roomsync does not sync. */
  | 'notSynced'
  /** A copy the link no longer holds went away: no news about the booking. */
  | 'staleCopy'
  /** An event roomsync made for a reservation that is not the booking's event: it goes. */
  | 'strayEvent'
  /** A cancellation held back while the room's sweep withholds removals. */
  | 'withheld'
  /** One room of a multi-room booking lost its copy: its line is declined, the booking stays. */
  | 'roomReleased'
  /** The rooms that never showed a copy, looked up again. */
  | 'roomCheck'
  /** The link a room check was for is gone. */
  | 'roomCheckGone';

export type Rule = TableRule | TriageRule;

export interface Plan {
  rule: TableRule;
  /** The table's cell that decided: `exchange change/workplace change`, e.g. `changed/unchanged`. */
  cell: Cell;
  actions: Action[];
}
