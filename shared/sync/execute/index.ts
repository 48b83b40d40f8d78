import type { Action, Plan } from '../plan';
import type { SyncDeps } from '../ports';
import type { Sides } from '../sides';
import type { LinkRecord } from '../../store';
import type { Execution } from './context';
import { recordConflict } from './records';
import { createEvent, declineEvent, deleteEvent, updateEvent } from './to-exchange';
import { cancelReservation, createReservation, updateReservation } from './to-workplace';

/** The outcome of a plan carried out: the link as the writes left it, whether it goes, how many writes. */
export interface Applied {
  record: LinkRecord;
  forget: boolean;
  writes: number;
}

/**
 * Carries out a plan's actions in order, recording each write in the link as it succeeds. The decisions
 * were made before (decide.ts, triage.ts); what is left here is checking what a write needs (the room
 * free, the pattern expressible) and writing.
 */
export async function execute(plan: Plan, sides: Sides, deps: SyncDeps): Promise<Applied> {
  const ex: Execution = {
    sides,
    deps,
    log: deps.logger.child({ correlationId: sides.correlationId, linkId: sides.record.id, rule: plan.rule }),
    record: { ...sides.record },
    forget: false,
    writes: 0,
    previousMeeting: null,
  };
  for (const action of plan.actions) {
    ex.log.info('Applying', { action: action.kind });
    await run(ex, action);
  }
  return { record: ex.record, forget: ex.forget, writes: ex.writes };
}

function run(ex: Execution, action: Action): Promise<void> {
  switch (action.kind) {
    case 'createReservation':
      return createReservation(ex, action.booking);
    case 'updateReservation':
      return updateReservation(ex, action.booking, action.version);
    case 'cancelReservation':
      return cancelReservation(ex, action.version);
    case 'createEvent':
      return createEvent(ex, action.booking);
    case 'updateEvent':
      return updateEvent(ex, action.booking, action.changeKey);
    case 'deleteEvent':
      return deleteEvent(ex);
    case 'declineEvent':
      return declineEvent(ex, action.rooms);
    case 'recordConflict':
      return recordConflict(
        ex,
        action.reason,
        ex.sides.exchange?.room ?? action.workplace?.rooms[0] ?? action.exchange?.rooms[0] ?? '',
      );
    case 'forgetLink':
      ex.forget = true;
      return Promise.resolve();
  }
}
