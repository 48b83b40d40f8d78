import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyncMessage } from '../../../shared/queue/messages';
import { parseGraphEvent } from '../../../shared/graph';
import { roomOutcomes, type RunReport } from '../../../shared/status/outcomes';
import { columnsOf, type RoomRecord, type RoomStatusRecord } from '../../../shared/store';
import { RunEffects } from '../../../shared/sync/effects';
import type { Reservation } from '../../../shared/workplace';

const ALPHA = 'room.alpha@contoso.com';
const BETA = 'room.beta@contoso.com';
const NOW = new Date('2026-01-10T12:00:00Z');

const registered = (email: string, workplaceRoomId: string): RoomRecord => ({
  email,
  workplaceRoomId,
  displayName: email,
  timeZone: 'UTC',
  registeredAt: '2026-01-01T00:00:00Z',
});

const reservation = (overrides: Partial<Reservation> = {}): Reservation => ({
  id: 'r-1',
  version: 3,
  subject: 'Planning',
  start: '2026-08-03T09:00:00',
  end: '2026-08-03T10:00:00',
  timeZone: 'UTC',
  responsible: null,
  participants: [],
  lines: [
    { roomId: 'wp-alpha', status: 'confirmed' },
    { roomId: 'wp-beta', status: 'declined' },
  ],
  recurrence: null,
  exceptions: [],
  source: 'workplace',
  cancelled: false,
  createdAt: '2026-01-10T11:00:00Z',
  updatedAt: '2026-01-10T11:59:58Z',
  ...overrides,
});

const ROOMS = [registered(ALPHA, 'wp-alpha'), registered(BETA, 'wp-beta')];

const graphChange = (room: string): SyncMessage => ({
  v: 1,
  correlationId: 'corr-1',
  kind: 'graphChange',
  room,
  subscriptionId: 'sub',
  eventId: 'e1',
  changeType: 'updated',
});

const copyOf = (subject: string) =>
  parseGraphEvent({
    id: 'e1',
    subject,
    organizer: { emailAddress: { address: 'ada@contoso.com', name: 'Ada Lovelace' } },
    responseStatus: { response: 'accepted' },
  });

/** A run of `message` whose effects `act` reports, as the worker reports it. */
function run(
  message: SyncMessage,
  act: (effects: RunEffects) => void,
  extra: Partial<RunReport> = {},
): RunReport {
  const effects = new RunEffects();
  act(effects);
  return { message, effects, registered: ROOMS, writes: 0, now: NOW, ...extra };
}

describe('roomOutcomes: each room’s outcome from what the run reported', () => {
  it('a copy whose subject is the organizer’s name: the room replaces subjects', () => {
    const [outcome, ...others] = roomOutcomes(
      run(graphChange(ALPHA), (e) => e.sawCopy(ALPHA, copyOf('Ada Lovelace'), true)),
    );
    assert.equal(others.length, 0);
    assert.deepEqual(outcome, {
      room: ALPHA,
      at: NOW,
      kind: 'graphChange',
      correlationId: 'corr-1',
      subject: 'replaced',
    });
  });

  it('one stripped copy is the finding, whatever other copies of the room said; a listing is not judged', () => {
    const [outcome] = roomOutcomes(
      run(graphChange(ALPHA), (e) => {
        e.sawCopy(ALPHA, copyOf('Planning'), true);
        e.sawCopy(ALPHA, copyOf('Ada Lovelace Planning'), true);
        e.sawCopy(ALPHA, copyOf('Ada Lovelace'), false);
      }),
    );
    assert.equal(outcome?.subject, 'prefixed');
  });

  it('a room that held no copy and had its line declined, 200 days ahead: a booking-window decline', () => {
    const outcomes = roomOutcomes(
      run(
        { v: 1, correlationId: 'corr-2', kind: 'roomCheck', linkId: 'l-1' },
        (e) => {
          e.sawCopy(BETA, undefined, false);
          e.declinedLine('wp-beta', reservation());
        },
        { writes: 1 },
      ),
    );
    assert.deepEqual(
      outcomes.map((o) => o.room),
      [ALPHA, BETA],
      'both rooms of the reservation',
    );
    const beta = outcomes.find((o) => o.room === BETA);
    assert.deepEqual(beta?.declines, [
      { startsAt: '2026-08-03T09:00:00.000Z', startsInDays: 204, bookingWindow: true },
    ]);
    assert.equal(beta.change, undefined, 'a room check’s writes are no change of its own to measure');
    assert.equal(outcomes.find((o) => o.room === ALPHA)?.declines, undefined);
  });

  it('a line declined for a room whose copy was there (Exchange had the slot booked) is no decline of the room', () => {
    const outcomes = roomOutcomes(
      run({ v: 1, correlationId: 'c', kind: 'roomCheck', linkId: 'l-1' }, (e) =>
        e.declinedLine('wp-beta', reservation()),
      ),
    );
    assert.ok(outcomes.length > 0 && outcomes.every((o) => o.declines === undefined));
  });

  it('lag: from the Workplace change the webhook announced, else from being queued', () => {
    const webhook: SyncMessage = {
      v: 1,
      correlationId: 'c',
      kind: 'workplaceChange',
      reservationId: 'r-1',
      version: 3,
      type: 'reservation.updated',
    };
    const insertedAt = new Date(NOW.getTime() - 500);
    const wrote = (message: SyncMessage) =>
      roomOutcomes(
        run(
          message,
          (e) => {
            e.sawReservation(reservation());
            e.touched(ALPHA);
          },
          { writes: 1, insertedAt },
        ),
      )[0]?.change;
    assert.deepEqual(wrote(webhook), { lagMs: 2000, lagFrom: 'workplaceChange' });
    assert.deepEqual(wrote({ ...webhook, version: 2 }), { lagMs: 500, lagFrom: 'queued' });
    assert.deepEqual(
      roomOutcomes(run(graphChange(ALPHA), () => undefined, { writes: 1 }))[0]?.change,
      { lagMs: null, lagFrom: null },
      'a write, lag unknown',
    );
  });

  it('a failure is recorded for the rooms it concerned, its reason masked', () => {
    const [outcome] = roomOutcomes(
      run(graphChange(ALPHA), () => undefined, {
        error: new Error('ada@contoso.com cannot book room.alpha@contoso.com: Bearer abc.def'),
      }),
    );
    assert.equal(outcome?.room, ALPHA);
    assert.equal(outcome.error, 'Error: [address] cannot book room.alpha@contoso.com: Bearer [redacted]');
    assert.equal(outcome.change, undefined);
  });

  it('a room roomsync does not sync gets no outcome; with the rooms unknown, none is left out', () => {
    assert.deepEqual(roomOutcomes(run(graphChange('room.annex@contoso.com'), () => undefined)), []);
    assert.equal(
      roomOutcomes(run(graphChange('room.annex@contoso.com'), () => undefined, { registered: undefined }))
        .length,
      1,
    );
  });

  it('a sweep that went through is the room’s last sweep; one that failed is not', () => {
    const sweep: SyncMessage = { v: 1, correlationId: 's', kind: 'reconcile', room: ALPHA };
    assert.equal(roomOutcomes(run(sweep, () => undefined))[0]?.sweep, true);
    assert.equal(roomOutcomes(run(sweep, () => undefined, { error: new Error('x') }))[0]?.sweep, undefined);
    assert.equal(roomOutcomes(run(graphChange(ALPHA), () => undefined))[0]?.sweep, undefined);
  });
});

describe('columnsOf: what a merge writes for an outcome', () => {
  const base = { room: 'Room.Alpha@contoso.com', at: NOW, kind: 'graphChange', correlationId: 'c' };
  const current = {
    errors: 4,
    failuresSinceSync: 2,
    declines: 1,
    bookingWindowDeclines: 0,
  } as RoomStatusRecord;

  it('a success sets the last sync and starts the failure count again, nothing else', () => {
    assert.deepEqual(columnsOf(base, undefined), {
      room: 'room.alpha@contoso.com',
      lastSync: JSON.stringify({ at: NOW.toISOString(), kind: 'graphChange', correlationId: 'c' }),
      failuresSinceSync: 0,
    });
  });

  it('a sweep sets the last sweep too', () => {
    const columns = columnsOf({ ...base, kind: 'reconcile', sweep: true }, undefined);
    assert.equal(
      columns.lastSweep,
      JSON.stringify({ at: NOW.toISOString(), kind: 'reconcile', correlationId: 'c' }),
    );
  });

  it('a failure counts on from the row read', () => {
    const columns = columnsOf({ ...base, error: 'Error: boom' }, current);
    assert.deepEqual([columns.errors, columns.failuresSinceSync, columns.lastSync], [5, 3, undefined]);
    assert.match(columns.lastError ?? '', /"reason":"Error: boom"/);
  });

  it('declines count on, booking-window ones apart', () => {
    const declines = [
      { startsAt: null, startsInDays: 20, bookingWindow: false },
      { startsAt: null, startsInDays: 200, bookingWindow: true },
    ];
    const columns = columnsOf({ ...base, declines }, current);
    assert.deepEqual([columns.declines, columns.bookingWindowDeclines], [3, 1]);
    assert.match(columns.lastBookingWindowDecline ?? '', /"startsInDays":200/);
  });
});
