import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SyncMessage } from '../../shared/queue/messages';
import type { RoomOutcome } from '../../shared/store';
import { processSyncMessage, type WorkerEnv } from '../../shared/sync/worker';
import type { SyncDeps } from '../../shared/sync';
import { fetchToken, graphClient } from '../helpers/graph-client';
import { startSyncWorld, type SyncWorld } from '../helpers/sync-world';

/**
 * The rooms' status table on real Azurite, written by the sync worker as it handles messages against
 * both emulators: the status page's figures and its two mailbox heuristics, end to end below the host.
 */

const ALPHA = 'room.alpha@contoso.com';
const BETA = 'room.beta@contoso.com';
/** A room with Exchange's defaults: its copies' subjects become the organizer's name. */
const GAMMA = 'room.gamma@contoso.com';
const ADA = 'ada@contoso.com';
const day = (ahead: number): string => new Date(Date.now() + ahead * 86_400_000).toISOString().slice(0, 10);

describe('room status (real Azurite and emulators)', () => {
  let world: SyncWorld;
  const queued: SyncMessage[] = [];
  before(async () => {
    world = await startSyncWorld(
      [
        { email: ALPHA, workplaceRoomId: 'wp-alpha' },
        { email: BETA, workplaceRoomId: 'wp-beta' },
      ],
      [{ email: ADA, displayName: 'Ada Lovelace' }],
    );
    world.graph.directory.add({ email: GAMMA, displayName: 'Room Gamma', kind: 'room' });
    world.workplace.addRoom({ id: 'wp-gamma', name: 'Gamma', email: GAMMA, timeZone: 'UTC' });
    await world.store.rooms.save({
      email: GAMMA,
      workplaceRoomId: 'wp-gamma',
      displayName: 'Room Gamma',
      timeZone: 'UTC',
      registeredAt: new Date().toISOString(),
    });
  });
  after(() => world.close());

  const env = (deps: SyncDeps = world.deps): WorkerEnv => ({
    deps: {
      ...deps,
      queue: {
        enqueue: (message) => {
          queued.push(message);
          return Promise.resolve();
        },
      },
    },
    roomCheckDelaySeconds: 1,
    sleep: () => Promise.resolve(),
    random: Math.random,
    insertedAt: new Date(Date.now() - 250),
  });

  describe('the repository', () => {
    const outcome = (room: string, overrides: Partial<RoomOutcome> = {}): RoomOutcome => ({
      room,
      at: new Date('2026-03-01T10:00:00Z'),
      kind: 'graphChange',
      correlationId: 'corr-a',
      ...overrides,
    });

    it('writes one message’s rooms together, merging: what an outcome does not say stays', async () => {
      const store = world.store.roomStatus;
      await store.record([
        outcome('Room.One@contoso.com', { change: { lagMs: 1200, lagFrom: 'queued' }, subject: 'kept' }),
        outcome('room.two@contoso.com'),
      ]);
      await store.record([
        outcome('room.one@contoso.com', { at: new Date('2026-03-01T10:05:00Z'), correlationId: 'corr-b' }),
      ]);
      const one = await store.get('ROOM.ONE@contoso.com');
      assert.deepEqual(one?.lastSync, {
        at: '2026-03-01T10:05:00.000Z',
        kind: 'graphChange',
        correlationId: 'corr-b',
      });
      assert.deepEqual(one.lastChange, {
        at: '2026-03-01T10:00:00.000Z',
        correlationId: 'corr-a',
        lagMs: 1200,
        lagFrom: 'queued',
      });
      assert.equal(one.subjectKeptAt, '2026-03-01T10:00:00.000Z');
      const listed = (await store.list()).map((r) => r.room);
      assert.ok(listed.includes('room.one@contoso.com') && listed.includes('room.two@contoso.com'));
    });

    it('counts failures, and starts the count since the last success again on one', async () => {
      const store = world.store.roomStatus;
      await store.record([outcome('room.three@contoso.com', { error: 'Error: one' })]);
      await store.record([
        outcome('room.three@contoso.com', { error: 'Error: two', correlationId: 'corr-2' }),
      ]);
      let three = await store.get('room.three@contoso.com');
      assert.deepEqual(
        [three?.errors, three?.failuresSinceSync, three?.lastError?.reason],
        [2, 2, 'Error: two'],
      );
      assert.equal(three?.lastSync, null);
      await store.record([outcome('room.three@contoso.com')]);
      three = await store.get('room.three@contoso.com');
      assert.deepEqual(
        [three?.errors, three?.failuresSinceSync, three?.lastError?.correlationId],
        [2, 0, 'corr-2'],
      );
      await store.remove('room.three@contoso.com');
      assert.equal(await store.get('room.three@contoso.com'), undefined);
      await store.remove('room.three@contoso.com');
    });
  });

  describe('the sync worker', () => {
    it('records the last sync and a change with its lag, and finds a room that replaces subjects', async () => {
      const graph = graphClient(world.graph.url, await fetchToken(world.graph.url));
      await graph.api(`/users/${ADA}/events`).post({
        subject: 'Budget',
        start: { dateTime: `${day(10)}T09:00:00`, timeZone: 'UTC' },
        end: { dateTime: `${day(10)}T10:00:00`, timeZone: 'UTC' },
        attendees: [{ type: 'resource', emailAddress: { address: GAMMA } }],
      });
      await world.graph.meetings.settle();
      const [copy] = await world.deps.exchange.calendarView(
        GAMMA,
        new Date(`${day(10)}T00:00:00Z`),
        new Date(`${day(10)}T23:59:00Z`),
      );
      assert.equal(copy?.['subject'], 'Ada Lovelace', 'Exchange’s defaults replaced the subject');
      await processSyncMessage(
        {
          v: 1,
          correlationId: 'corr-gamma',
          kind: 'graphChange',
          room: GAMMA,
          subscriptionId: 's',
          eventId: copy.id,
          changeType: 'created',
        },
        env(),
      );
      const gamma = await world.store.roomStatus.get(GAMMA);
      assert.equal(gamma?.lastSync?.correlationId, 'corr-gamma');
      assert.equal(gamma.lastChange?.lagFrom, 'queued');
      assert.ok((gamma.lastChange.lagMs ?? -1) >= 250);
      assert.equal(gamma.subjectStripped?.how, 'replaced');
      assert.equal(gamma.subjectKeptAt, null);
    });

    it('finds a room declining a booking beyond its booking window (180 days, Exchange’s default)', async () => {
      const made = await world.deps.workplace.createReservation(
        {
          subject: 'Far ahead',
          start: `${day(200)}T09:00:00`,
          end: `${day(200)}T10:00:00`,
          timeZone: 'UTC',
          responsible: { email: ADA, name: 'Ada Lovelace' },
          participants: [],
          lines: [
            { roomId: 'wp-alpha', status: 'confirmed' },
            { roomId: 'wp-beta', status: 'confirmed' },
          ],
          recurrence: null,
          exceptions: [],
        },
        'status-far',
      );
      queued.length = 0;
      await processSyncMessage(
        {
          v: 1,
          correlationId: 'corr-far',
          kind: 'workplaceChange',
          reservationId: made.id,
          version: made.version,
          type: 'reservation.created',
        },
        env(),
      );
      const alpha = await world.store.roomStatus.get(ALPHA);
      assert.equal(alpha?.lastChange?.correlationId, 'corr-far');
      assert.equal(alpha.lastChange.lagFrom, 'workplaceChange', 'measured from the reservation’s own change');
      const check = queued.find((m) => m.kind === 'roomCheck');
      assert.ok(check, 'a room check of Beta, which was invited and has not answered');
      await world.graph.meetings.settle();
      await processSyncMessage(check, env());
      const beta = await world.store.roomStatus.get(BETA);
      assert.equal(beta?.declines, 1);
      assert.equal(beta.bookingWindowDeclines, 1);
      assert.equal(beta.lastBookingWindowDecline?.correlationId, 'corr-far');
      assert.ok((beta.lastBookingWindowDecline.startsInDays ?? 0) >= 199);
      const line = (await world.deps.workplace.getReservation(made.id)).lines.find(
        (l) => l.roomId === 'wp-beta',
      );
      assert.equal(line?.status, 'declined');
    });

    it('records a failure with its reason masked, and still fails the message', async () => {
      const failing: SyncDeps = {
        ...world.deps,
        exchange: Object.assign(Object.create(world.deps.exchange) as SyncDeps['exchange'], {
          getEvent: () => Promise.reject(new Error('ada@contoso.com made Graph fail; token=abc123')),
        }),
      };
      await assert.rejects(
        processSyncMessage(
          {
            v: 1,
            correlationId: 'corr-fail',
            kind: 'graphChange',
            room: ALPHA,
            subscriptionId: 's',
            eventId: 'nope',
            changeType: 'updated',
          },
          env(failing),
        ),
        /made Graph fail/,
      );
      const alpha = await world.store.roomStatus.get(ALPHA);
      assert.equal(alpha?.lastError?.correlationId, 'corr-fail');
      assert.equal(alpha.lastError.reason, 'Error: [address] made Graph fail; token=[redacted]');
      assert.equal(alpha.failuresSinceSync, 1);
    });
  });
});
