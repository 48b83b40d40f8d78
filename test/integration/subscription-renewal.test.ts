import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { SyncMessage } from '../../shared/queue/messages';
import { subscribeRoom } from '../../shared/subscriptions/subscribe';
import { renewSubscriptions, type UpkeepDeps } from '../../shared/subscriptions/upkeep';
import { createLogger } from '../../shared/telemetry/logger';
import { startReceiver, type Receiver } from '../helpers/notification-receiver';
import { startSyncWorld, type SyncWorld } from '../helpers/sync-world';

const ROOMS = Array.from({ length: 45 }, (_, i) => ({
  email: `room.${String(i).padStart(2, '0')}@contoso.com`,
  workplaceRoomId: `wp-${String(i)}`,
}));

describe('the renewal pass with $batch, on Azurite and the Graph emulator', () => {
  let world: SyncWorld;
  let receiver: Receiver;
  let deps: UpkeepDeps;
  let queued: SyncMessage[];
  before(async () => {
    [world, receiver] = await Promise.all([startSyncWorld(ROOMS), startReceiver()]);
  });
  beforeEach(async () => {
    queued = [];
    await fetch(`${world.graph.url}/_emulator/faults`, { method: 'DELETE' });
    for (const subscription of await world.store.subscriptions.list())
      await world.store.subscriptions.remove(subscription.id);
    world.graph.subscriptions.clear();
    deps = {
      store: world.store,
      graph: world.deps.exchange,
      enqueueSync: (message) => {
        queued.push(message);
        return Promise.resolve();
      },
      publicUrl: receiver.url.replace(/\/$/, ''),
      now: () => new Date(),
      logger: createLogger({ level: 'error', write: () => undefined }),
      correlationId: 'renewal-test',
    };
    // Every room subscribed, each subscription an hour from expiry: all inside the renewal horizon.
    for (const { email } of ROOMS) {
      const record = await subscribeRoom(email, deps);
      await world.store.subscriptions.save({
        ...record,
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
    }
  });
  after(async () => {
    await Promise.all([world.close(), receiver.close()]);
  });

  const inject = async (errors: object[]) => {
    const res = await fetch(`${world.graph.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errors }),
    });
    assert.equal(res.status, 200, await res.text());
  };
  const stats = () => {
    const { total, byRoute } = world.graph.stats();
    return {
      total,
      batches: byRoute['POST /$batch'] ?? 0,
      patches: byRoute['PATCH /subscriptions/{id}'] ?? 0,
    };
  };
  const since = (before: ReturnType<typeof stats>) => {
    const now = stats();
    return {
      total: now.total - before.total,
      batches: now.batches - before.batches,
      patches: now.patches - before.patches,
    };
  };
  const renewedInStore = async () =>
    (await world.store.subscriptions.list()).filter(
      (s) => Date.parse(s.expiresAt) > Date.now() + 24 * 3_600_000,
    );

  it('renews 45 subscriptions in 3 batch requests', async () => {
    const before = stats();
    const outcome = await renewSubscriptions(deps);
    assert.deepEqual(outcome, { renewed: 45, recreated: 0, deferred: 0, failed: 0 });
    assert.deepEqual(since(before), { total: 3, batches: 3, patches: 45 });
    assert.equal((await renewedInStore()).length, 45);
    assert.deepEqual(queued, []);
  });

  it('makes anew a subscription Graph no longer has (404 inside the batch) and backfills its room', async () => {
    const [lost] = await world.store.subscriptions.forRoom(ROOMS[7]?.email ?? '');
    assert.ok(lost);
    world.graph.subscriptions.delete(lost.id);
    const outcome = await renewSubscriptions(deps);
    assert.deepEqual(outcome, { renewed: 44, recreated: 1, deferred: 0, failed: 0 });
    const now = await world.store.subscriptions.forRoom(lost.room);
    assert.equal(now.length, 1);
    assert.notEqual(now[0]?.id, lost.id);
    assert.equal(world.graph.subscriptions.get(now[0]?.id ?? '').status, 200, 'Graph holds the new one');
    assert.deepEqual(
      queued.map((m) => [m.kind, 'room' in m ? m.room : undefined]),
      [['backfill', lost.room]],
    );
  });

  it('re-sends a throttled item after its Retry-After, in a batch of its own', async () => {
    await inject([{ route: 'PATCH /subscriptions/{id}', status: 429, count: 1, retryAfterSeconds: 1 }]);
    const before = stats();
    const outcome = await renewSubscriptions(deps);
    assert.deepEqual(outcome, { renewed: 45, recreated: 0, deferred: 0, failed: 0 });
    assert.deepEqual(since(before), { total: 4, batches: 4, patches: 46 });
    assert.equal((await renewedInStore()).length, 45);
  });

  it('leaves an item throttled for longer than it waits in place for the next pass', async () => {
    await inject([{ route: 'PATCH /subscriptions/{id}', status: 429, count: 1, retryAfterSeconds: 600 }]);
    const outcome = await renewSubscriptions(deps);
    assert.deepEqual(outcome, { renewed: 44, recreated: 0, deferred: 1, failed: 0 });
    assert.equal((await renewedInStore()).length, 44);
    assert.equal((await world.store.subscriptions.list()).length, 45, 'the deferred one is kept');
  });

  it('reports another refusal, renews the rest, then fails the pass', async () => {
    await inject([{ route: 'PATCH /subscriptions/{id}', status: 500, count: 1 }]);
    await assert.rejects(renewSubscriptions(deps), /500/);
    assert.equal((await renewedInStore()).length, 44);
  });
});
