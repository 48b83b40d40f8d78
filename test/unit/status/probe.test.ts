import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyncMessage } from '../../../shared/queue/messages';
import { watchSync } from '../../../shared/status/probe';
import { columnsOf, type RoomRecord, type RoomStatusRecord } from '../../../shared/store';
import type { SyncDeps } from '../../../shared/sync';
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
  lastSyncAt: null,
  lastError: null,
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

/** Fake sync deps that count the calls made to them. */
function fakeDeps(events: Record<string, unknown>) {
  const calls: string[] = [];
  const deps = {
    clock: { now: () => NOW },
    exchange: {
      getEvent: (mailbox: string, id: string) => {
        calls.push(`getEvent ${mailbox}`);
        return Promise.resolve(events[`${mailbox} ${id}`]);
      },
      findByICalUId: (mailbox: string) => {
        calls.push(`findByICalUId ${mailbox}`);
        return Promise.resolve(undefined);
      },
      createEvent: (mailbox: string) => {
        calls.push(`createEvent ${mailbox}`);
        return Promise.resolve({ id: 'new' });
      },
    },
    workplace: {
      getReservation: () => {
        calls.push('getReservation');
        return Promise.resolve(reservation({ lines: [{ roomId: 'wp-alpha', status: 'confirmed' }] }));
      },
      declineLine: (_id: string, roomId: string) => {
        calls.push(`declineLine ${roomId}`);
        return Promise.resolve(reservation());
      },
      async *listReservations() {
        calls.push('listReservations');
        yield await Promise.resolve(reservation());
      },
    },
    store: {
      rooms: {
        list: () => {
          calls.push('rooms.list');
          return Promise.resolve([registered(ALPHA, 'wp-alpha'), registered(BETA, 'wp-beta')]);
        },
      },
    },
  };
  return { calls, deps: deps as unknown as SyncDeps };
}

const graphChange = (room: string): SyncMessage => ({
  v: 1,
  correlationId: 'corr-1',
  kind: 'graphChange',
  room,
  subscriptionId: 'sub',
  eventId: 'e1',
  changeType: 'updated',
});

const copyOf = (subject: string) => ({
  id: 'e1',
  subject,
  organizer: { emailAddress: { address: 'ada@contoso.com', name: 'Ada Lovelace' } },
  responseStatus: { response: 'accepted' },
});

describe('watchSync: each room’s outcome read off the calls a message makes', () => {
  it('passes every call through once, listings included, and adds none', async () => {
    const { calls, deps } = fakeDeps({ [`${ALPHA} e1`]: copyOf('Planning') });
    const probe = watchSync(graphChange(ALPHA), deps);
    await probe.deps.store.rooms.list();
    assert.equal((await probe.deps.exchange.getEvent(ALPHA, 'e1'))?.id, 'e1');
    const listed: string[] = [];
    for await (const r of probe.deps.workplace.listReservations({})) listed.push(r.id);
    assert.deepEqual(listed, ['r-1']);
    await probe.outcomes();
    assert.deepEqual(calls, ['rooms.list', `getEvent ${ALPHA}`, 'listReservations']);
  });

  it('a copy whose subject is the organizer’s name: the room replaces subjects', async () => {
    const { deps } = fakeDeps({ [`${ALPHA} e1`]: copyOf('Ada Lovelace') });
    const probe = watchSync(graphChange(ALPHA), deps);
    await probe.deps.store.rooms.list();
    await probe.deps.exchange.getEvent(ALPHA, 'e1');
    const [outcome, ...others] = await probe.outcomes();
    assert.equal(others.length, 0);
    assert.deepEqual(outcome, {
      room: ALPHA,
      at: NOW,
      kind: 'graphChange',
      correlationId: 'corr-1',
      subject: 'replaced',
    });
  });

  it('a room that held no copy and had its line declined, 200 days ahead: a booking-window decline', async () => {
    const { calls, deps } = fakeDeps({});
    const probe = watchSync({ v: 1, correlationId: 'corr-2', kind: 'roomCheck', linkId: 'l-1' }, deps);
    await probe.deps.store.rooms.list();
    await probe.deps.exchange.findByICalUId(BETA, 'uid');
    await probe.deps.workplace.declineLine('r-1', 'wp-beta', 'The room declined');
    const outcomes = await probe.outcomes();
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
    assert.equal(
      calls.filter((c) => c === 'rooms.list').length,
      1,
      'the sync’s own read of the rooms is used',
    );
  });

  it('a line declined for a room whose copy was there (Exchange had the slot booked) is no decline of the room', async () => {
    const { deps } = fakeDeps({});
    const probe = watchSync({ v: 1, correlationId: 'c', kind: 'roomCheck', linkId: 'l-1' }, deps);
    await probe.deps.workplace.declineLine('r-1', 'wp-beta', 'taken');
    const outcomes = await probe.outcomes();
    assert.ok(outcomes.every((o) => o.declines === undefined));
  });

  it('lag: from the Workplace change the webhook announced, else from being queued', async () => {
    const webhook: SyncMessage = {
      v: 1,
      correlationId: 'c',
      kind: 'workplaceChange',
      reservationId: 'r-1',
      version: 3,
      type: 'reservation.updated',
    };
    const { deps } = fakeDeps({});
    const probe = watchSync(webhook, deps, new Date(NOW.getTime() - 500));
    await probe.deps.workplace.getReservation('r-1');
    await probe.deps.exchange.createEvent(ALPHA, {}, 'tx');
    const [alpha] = await probe.outcomes();
    assert.deepEqual(alpha?.change, { lagMs: 2000, lagFrom: 'workplaceChange' });

    const queued = watchSync({ ...webhook, version: 2 }, fakeDeps({}).deps, new Date(NOW.getTime() - 500));
    await queued.deps.workplace.getReservation('r-1');
    await queued.deps.exchange.createEvent(ALPHA, {}, 'tx');
    assert.deepEqual((await queued.outcomes())[0]?.change, { lagMs: 500, lagFrom: 'queued' });

    const unknown = watchSync(graphChange(ALPHA), fakeDeps({}).deps);
    await unknown.deps.exchange.createEvent(ALPHA, {}, 'tx');
    assert.deepEqual(
      (await unknown.outcomes())[0]?.change,
      { lagMs: null, lagFrom: null },
      'a write, lag unknown',
    );
  });

  it('a failure is recorded for the rooms it concerned, its reason masked', async () => {
    const { deps } = fakeDeps({});
    const probe = watchSync(graphChange(ALPHA), deps);
    const [outcome] = await probe.outcomes(
      new Error('ada@contoso.com cannot book room.alpha@contoso.com: Bearer abc.def'),
    );
    assert.equal(outcome?.room, ALPHA);
    assert.equal(outcome.error, 'Error: [address] cannot book room.alpha@contoso.com: Bearer [redacted]');
    assert.equal(outcome.change, undefined);
  });

  it('a room roomsync does not sync gets no outcome', async () => {
    const { deps } = fakeDeps({});
    const probe = watchSync(graphChange('room.annex@contoso.com'), deps);
    await probe.deps.store.rooms.list();
    assert.deepEqual(await probe.outcomes(), []);
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
