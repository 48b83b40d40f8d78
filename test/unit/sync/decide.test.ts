import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fingerprint, type Booking } from '../../../shared/model';
import type { Action } from '../../../shared/sync/plan';
import {
  decide,
  type ExchangeState,
  type LinkState,
  type Side,
  type WorkplaceState,
} from '../../../shared/sync/decide';
import { makeBooking } from '../../factories/booking';

const A = makeBooking();
const B = makeBooking({ subject: 'Renamed' });
const C = makeBooking({ attendees: [] });
const shorter = makeBooking({ end: new Date('2026-03-30T07:30:00Z') });
const twoRooms = makeBooking({ rooms: ['room.alpha@contoso.com', 'room.beta@contoso.com'] });
const alphaOnly = makeBooking({ rooms: ['room.alpha@contoso.com'] });
const betaOnlyRenamed = makeBooking({ rooms: ['room.beta@contoso.com'], subject: 'Renamed' });

const E = (booking: Booking): ExchangeState => ({ kind: 'present', booking, changeKey: 'ck' });
const W = (booking: Booking): WorkplaceState => ({ kind: 'present', booking, version: 3 });
const gone = { kind: 'absent' } as const;
const link = (origin: Side, e: Booking | null, w: Booking | null): LinkState => ({
  origin,
  exchange: e ? { fingerprint: fingerprint(e) } : null,
  workplace: w ? { fingerprint: fingerprint(w) } : null,
});
const kinds = (actions: Action[]): string[] => actions.map((a) => a.kind);

describe('decide: the table', () => {
  const rows: [string, ExchangeState, WorkplaceState, LinkState | null, string[]][] = [
    ['nothing anywhere', gone, gone, null, []],
    ['new in Exchange', E(A), gone, null, ['createReservation']],
    ['new in Workplace', gone, W(A), null, ['createEvent']],
    ['both gone', gone, gone, link('exchange', A, A), ['forgetLink']],
    ['unchanged both sides (the echo of our own write)', E(A), W(A), link('exchange', A, A), []],
    ['Exchange changed', E(B), W(A), link('exchange', A, A), ['updateReservation']],
    [
      'a delegate changed a Workplace-made booking in Exchange',
      E(B),
      W(A),
      link('workplace', A, A),
      ['updateReservation'],
    ],
    ['Workplace changed its own booking', E(A), W(B), link('workplace', A, A), ['updateEvent']],
    [
      'Workplace changed an Outlook-made booking: refused',
      E(A),
      W(B),
      link('exchange', A, A),
      ['updateReservation', 'recordConflict'],
    ],
    [
      'Workplace shortened an Outlook-made booking',
      E(A),
      W(shorter),
      link('exchange', A, A),
      ['updateEvent'],
    ],
    [
      'link lost, an event roomsync made for a reservation since cancelled: the event goes',
      E(A),
      gone,
      { origin: 'workplace', exchange: null, workplace: null },
      ['deleteEvent', 'forgetLink'],
    ],
    [
      'link lost, a reservation made from an Outlook meeting that is gone: the reservation goes',
      gone,
      W(A),
      { origin: 'exchange', exchange: null, workplace: null },
      ['cancelReservation', 'forgetLink'],
    ],
    [
      'both changed, Exchange owns',
      E(B),
      W(C),
      link('exchange', A, A),
      ['updateReservation', 'recordConflict'],
    ],
    ['both changed, Workplace owns', E(B), W(C), link('workplace', A, A), ['updateEvent', 'recordConflict']],
    ['both changed the same way', E(B), W(B), link('exchange', A, A), []],
    ['different, but both as recorded when they last agreed', E(B), W(C), link('exchange', B, C), []],
    ['deleted in Exchange', gone, W(A), link('exchange', A, A), ['cancelReservation', 'forgetLink']],
    [
      'deleted in Exchange while its owner Workplace changed it',
      gone,
      W(B),
      link('workplace', A, A),
      ['createEvent'],
    ],
    [
      'cancelled in Workplace, Workplace owns',
      E(A),
      gone,
      link('workplace', A, A),
      ['deleteEvent', 'forgetLink'],
    ],
    [
      'cancelled in Workplace, Outlook owns: the rooms decline',
      E(A),
      gone,
      link('exchange', A, A),
      ['declineEvent', 'forgetLink'],
    ],
    [
      'changed in Exchange, cancelled in Workplace (Outlook owns)',
      E(B),
      gone,
      link('exchange', A, A),
      ['declineEvent', 'forgetLink'],
    ],
    [
      'Workplace took one room off an Outlook-made meeting: that room declines',
      E(twoRooms),
      W(alphaOnly),
      link('exchange', twoRooms, twoRooms),
      ['declineEvent'],
    ],
    [
      'Workplace took a room off an Outlook-made meeting and changed it too: refused',
      E(twoRooms),
      W(betaOnlyRenamed),
      link('exchange', twoRooms, twoRooms),
      ['updateReservation', 'recordConflict'],
    ],
    ['link lost: both present and equal', E(A), W(A), null, []],
    // Nothing was agreed before, so nothing to call a conflict: the owner's version is the booking.
    ['link lost: both present, different', E(A), W(B), null, ['updateReservation']],
    [
      'link lost, an event roomsync made for a reservation: the reservation owns it',
      E(A),
      W(B),
      { origin: 'workplace', exchange: null, workplace: null },
      ['updateEvent'],
    ],
  ];
  for (const [name, exchange, workplace, known, expected] of rows) {
    it(name, () => {
      assert.deepEqual(kinds(decide(exchange, workplace, known).actions), expected);
    });
  }

  it('declines only the rooms Workplace took off', () => {
    const [action] = decide(E(twoRooms), W(alphaOnly), link('exchange', twoRooms, twoRooms)).actions;
    assert.deepEqual(action, { kind: 'declineEvent', rooms: ['room.beta@contoso.com'] });
  });

  it('names the decision and the cell that made it', () => {
    const changed = decide(E(B), W(A), link('exchange', A, A));
    assert.deepEqual([changed.rule, changed.cell], ['exchangeChanged', 'changed/unchanged']);
    const deleted = decide(gone, W(A), link('exchange', A, A));
    assert.deepEqual([deleted.rule, deleted.cell], ['meetingGoneCancelReservation', 'deleted/unchanged']);
  });
});

interface World {
  exchange: ExchangeState;
  workplace: WorkplaceState;
  link: LinkState | null;
}

/** What apply does to the two sides and the link, reduced to the states decide reads. */
function applyPlan(world: World, actions: Action[]): World {
  let { exchange, workplace, link: known } = world;
  let forget = false;
  for (const action of actions) {
    switch (action.kind) {
      case 'createReservation':
      case 'updateReservation':
        workplace = {
          kind: 'present',
          booking: action.booking,
          version: (workplace.kind === 'present' ? workplace.version : 0) + 1,
        };
        break;
      case 'cancelReservation':
        workplace = { kind: 'absent' };
        break;
      case 'createEvent':
      case 'updateEvent':
        exchange = { kind: 'present', booking: action.booking, changeKey: 'ck2' };
        break;
      case 'deleteEvent':
      case 'declineEvent':
        // Room-centric: a declined room copy leaves the room's calendar.
        exchange = { kind: 'absent' };
        break;
      case 'forgetLink':
        forget = true;
        break;
      case 'recordConflict':
        break;
    }
  }
  const origin: Side = known?.origin ?? (world.exchange.kind === 'present' ? 'exchange' : 'workplace');
  known = forget
    ? null
    : {
        origin,
        exchange: exchange.kind === 'present' ? { fingerprint: fingerprint(exchange.booking) } : null,
        workplace: workplace.kind === 'present' ? { fingerprint: fingerprint(workplace.booking) } : null,
      };
  return { exchange, workplace, link: known };
}

const booking = fc.constantFrom(A, B, C, shorter);
const exchangeState = fc.oneof(fc.constant<ExchangeState>(gone), booking.map(E));
const workplaceState = fc.oneof(fc.constant<WorkplaceState>(gone), booking.map(W));
const linkState = fc.option(
  fc.record({
    origin: fc.constantFrom<Side>('exchange', 'workplace'),
    exchange: fc.option(
      booking.map((b) => ({ fingerprint: fingerprint(b) })),
      { nil: null },
    ),
    workplace: fc.option(
      booking.map((b) => ({ fingerprint: fingerprint(b) })),
      { nil: null },
    ),
  }),
  { nil: null },
);

describe('decide: convergence', () => {
  it('after one plan is applied, both sides agree and a second run writes nothing (property)', () => {
    fc.assert(
      fc.property(exchangeState, workplaceState, linkState, (exchange, workplace, known) => {
        const first = decide(exchange, workplace, known);
        const after = applyPlan({ exchange, workplace, link: known }, first.actions);
        const again = decide(after.exchange, after.workplace, after.link);
        assert.deepEqual(kinds(again.actions), [], `then ${again.rule}`);
        // Sides the link recorded as agreeing, though they differ, are left as they are.
        if (first.rule === 'differentAsAgreed') return;
        if (after.exchange.kind === 'present' && after.workplace.kind === 'present') {
          assert.equal(fingerprint(after.exchange.booking), fingerprint(after.workplace.booking));
        } else {
          assert.equal(
            after.exchange.kind === 'present',
            after.workplace.kind === 'present',
            'one side still holds it',
          );
        }
      }),
      { numRuns: 1000 },
    );
  });
});
