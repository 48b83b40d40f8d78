import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SyncMessage } from '../../shared/queue/messages';
import { backfillRoom } from '../../shared/sync/backfill';
import { syncGraphChange } from '../../shared/sync/run';
import { fetchToken, graphClient } from '../helpers/graph-client';
import { startSyncWorld, type SyncWorld } from '../helpers/sync-world';

const ALPHA = 'room.alpha@contoso.com';
const ADA = 'ada@contoso.com';
const DAY = new Date(Date.now() + 12 * 86_400_000).toISOString().slice(0, 10);

describe('backfill of a room already in sync (real Azurite and emulators)', () => {
  let world: SyncWorld;
  before(async () => {
    world = await startSyncWorld(
      [{ email: ALPHA, workplaceRoomId: 'wp-alpha' }],
      [{ email: ADA, displayName: 'Ada Lovelace' }],
    );
  });
  after(() => world.close());

  it('reads none of the events it already holds: the listed changeKey makes each an echo', async () => {
    const graph = graphClient(world.graph.url, await fetchToken(world.graph.url));
    await graph.api(`/users/${ADA}/events`).post({
      subject: 'Already synced',
      start: { dateTime: `${DAY}T09:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${DAY}T09:30:00`, timeZone: 'UTC' },
      attendees: [{ type: 'resource', emailAddress: { address: ALPHA } }],
    });
    await world.graph.meetings.settle();
    const first: SyncMessage[] = [];
    await backfillRoom(ALPHA, 'c-1', world.deps, (m) => (first.push(m), Promise.resolve()));
    for (const m of first) if (m.kind === 'graphChange') await syncGraphChange(m, world.deps);

    const again: SyncMessage[] = [];
    await backfillRoom(ALPHA, 'c-2', world.deps, (m) => (again.push(m), Promise.resolve()));
    const changes = again.filter((m) => m.kind === 'graphChange');
    assert.equal(changes.length, 1);
    const gets = (): number => world.graph.stats().byRoute['GET /users/{user}/events/{id}'] ?? 0;
    const before = gets();
    const outcomes = [];
    for (const m of changes) outcomes.push(await syncGraphChange(m, world.deps));
    assert.deepEqual(
      outcomes.map((o) => o.rule),
      ['echo'],
    );
    assert.equal(gets() - before, 0, 'no event read again');
  });
});
