import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { SyncMessage } from '../../shared/queue/messages';
import { backfillRoom } from '../../shared/sync';
import type { SyncDeps } from '../../shared/sync';
import { syncGraphChange, type SyncOutcome } from '../../shared/sync';
import { fetchToken, graphClient } from '../helpers/graph-client';
import { startSyncWorld, type SyncWorld } from '../helpers/sync-world';
import { reservationsNamed } from '../helpers/workplace';

const ALPHA = 'room.alpha@contoso.com';
const ADA = 'ada@contoso.com';
const day = (n: number): string => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

interface Run {
  queued: SyncMessage[];
  outcomes: SyncOutcome[];
  synced: number;
}

async function backfill(deps: SyncDeps, correlationId: string): Promise<Run> {
  const queued: SyncMessage[] = [];
  const outcomes: SyncOutcome[] = [];
  const queue = { enqueue: (m: SyncMessage) => (queued.push(m), Promise.resolve()) };
  const { synced, queued: count } = await backfillRoom(
    ALPHA,
    correlationId,
    { ...deps, queue },
    (_m, outcome) => (outcomes.push(outcome), Promise.resolve()),
  );
  assert.equal(count, queued.length, 'the count it reports is what it queued');
  return { queued, outcomes, synced };
}

describe('backfill of a room (real Azurite and emulators)', () => {
  let world: SyncWorld;
  let graph: ReturnType<typeof graphClient>;
  const gets = (): number => world.graph.stats().byRoute['GET /users/{user}/events/{id}'] ?? 0;
  const meeting = async (subject: string, date: string, recurrence?: object): Promise<void> => {
    await graph.api(`/users/${ADA}/events`).post({
      subject,
      start: { dateTime: `${date}T09:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${date}T09:30:00`, timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: ALPHA } }],
      ...(recurrence ? { recurrence } : {}),
    });
    await world.graph.meetings.settle();
  };

  // A world each: every backfill lists the whole calendar.
  beforeEach(async () => {
    world = await startSyncWorld(
      [{ email: ALPHA, workplaceRoomId: 'wp-alpha' }],
      [{ email: ADA, displayName: 'Ada Lovelace' }],
    );
    graph = graphClient(world.graph.url, await fetchToken(world.graph.url));
  });
  afterEach(() => world.close());

  it('syncs single meetings from the listing without reading each event, and reads none again next time', async () => {
    await meeting('Listed once', day(12));
    const before = gets();
    const first = await backfill(world.deps, 'c-1');
    assert.equal(first.synced, 1);
    assert.deepEqual(first.queued, [], 'nothing left for the queue');
    assert.equal(gets() - before, 0, 'the listing was enough');
    assert.equal((await reservationsNamed(world.deps.workplace, 'Listed once')).length, 1);

    const again = await backfill(world.deps, 'c-2');
    assert.deepEqual(
      again.outcomes.map((o) => o.rule),
      ['echo'],
    );
    assert.equal(gets() - before, 0, 'no event read again');
    assert.equal((await reservationsNamed(world.deps.workplace, 'Listed once')).length, 1);
  });

  it('queues a series through its master, once, and what the room organises, to be read on their own', async () => {
    await meeting('Weekly', day(20), {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: [weekday(day(20))] },
      range: { type: 'numbered', startDate: day(20), numberOfOccurrences: 3 },
    });
    // A booking made in the room's calendar itself (a delegate; roomsync's own are made the same way).
    await graph.api(`/users/${ALPHA}/events`).post({
      subject: 'Made in the room',
      start: { dateTime: `${day(21)}T14:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${day(21)}T15:00:00`, timeZone: 'UTC' },
    });
    const run = await backfill(world.deps, 'c-3');
    const changes = run.queued.filter((m) => m.kind === 'graphChange');
    assert.equal(changes.length, 2, 'the series master and the room-organised event');
    const ids = new Set(changes.map((m) => m.eventId));
    assert.equal(ids.size, 2);
    for (const m of changes) {
      const outcome = await syncGraphChange(m, world.deps);
      assert.ok(outcome.writes > 0, `${m.eventId} synced on its own`);
    }
  });

  it('hands an event whose sync failed to the queue instead of failing the room', async () => {
    await meeting('Fails once', day(30));
    let failures = 0;
    const failing: SyncDeps = {
      ...world.deps,
      workplace: {
        listReservations: (q) => world.deps.workplace.listReservations(q),
        getReservation: (id) => world.deps.workplace.getReservation(id),
        replaceReservation: (...a) => world.deps.workplace.replaceReservation(...a),
        cancelReservation: (...a) => world.deps.workplace.cancelReservation(...a),
        declineLine: (...a) => world.deps.workplace.declineLine(...a),
        createReservation: () => {
          failures += 1;
          return Promise.reject(new Error('Workplace is down'));
        },
      },
    };
    const run = await backfill(failing, 'c-4');
    assert.equal(failures, 1);
    const queued = run.queued.filter((m) => m.kind === 'graphChange');
    assert.equal(queued.length, 1, 'the failed event is queued');
    assert.ok((await syncGraphChange(queued[0] as never, world.deps)).writes > 0, 'and syncs from there');
    assert.equal((await reservationsNamed(world.deps.workplace, 'Fails once')).length, 1);
  });
});

function weekday(date: string): string {
  return ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][
    new Date(`${date}T00:00:00Z`).getUTCDay()
  ] as string;
}
