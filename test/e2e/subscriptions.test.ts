import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadStorageConfig } from '../../shared/config';
import { createStorageClients } from '../../shared/storage';
import { createStore, type Store } from '../../shared/store';
import { MASTER_KEY } from '../helpers/host';
import { registerRoom, startServiceHost, type ServiceHost } from '../helpers/service-host';
import { waitFor } from '../helpers/wait';

const ROOM = 'room.alpha@contoso.com';

describe('subscription upkeep end to end: the renewal timer and lifecycle events', () => {
  let service: ServiceHost;
  let store: Store;
  before(async () => {
    service = await startServiceHost([
      'graph-notifications',
      'rooms',
      'sync-worker',
      'subscription-worker',
      'renew-subscriptions',
    ]);
    service.graph.directory.add({ email: ROOM, displayName: 'Room Alpha', kind: 'room' });
    service.workplace.addRoom({ id: 'wp-alpha', name: 'Alpha', email: ROOM, timeZone: 'Europe/Brussels' });
    store = createStore(createStorageClients(loadStorageConfig(process.env)));
    assert.equal(await registerRoom(service, ROOM, 'wp-alpha'), 201);
  });
  after(async () => {
    await service.close();
  });

  const held = async () => {
    const [subscription] = await store.subscriptions.forRoom(ROOM);
    assert.ok(subscription, 'the room has a subscription');
    return subscription;
  };
  const inGraph = () =>
    (service.graph.subscriptions.list().body as { value: { id: string }[] }).value.map((s) => s.id);
  const runTimer = async () => {
    const res = await fetch(`${service.host.url}/admin/functions/renewSubscriptions`, {
      method: 'POST',
      headers: { 'x-functions-key': MASTER_KEY, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 202);
  };

  it('the timer renews a subscription that is near its expiry', async () => {
    const subscription = await held();
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    await store.subscriptions.save({ ...subscription, expiresAt: soon });
    const patches = service.graph.stats().byRoute['PATCH /subscriptions/{id}'] ?? 0;
    await runTimer();
    const renewed = await waitFor('the renewal', async () => {
      const now = await held();
      return Date.parse(now.expiresAt) > Date.now() + 24 * 3_600_000 ? now : undefined;
    });
    assert.equal(renewed.id, subscription.id);
    assert.equal((service.graph.stats().byRoute['PATCH /subscriptions/{id}'] ?? 0) - patches, 1);
  });

  it('a subscription Graph removed (lifecycle event) is made anew', async () => {
    const subscription = await held();
    const res = await fetch(`${service.graph.url}/_emulator/subscriptions/${subscription.id}/lifecycle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'subscriptionRemoved' }),
    });
    assert.ok(res.ok);
    await service.graph.subscriptions.flush();
    const replacement = await waitFor('a new subscription', async () => {
      const now = await store.subscriptions.forRoom(ROOM);
      return now.length === 1 && now[0]?.id !== subscription.id ? now[0] : undefined;
    });
    assert.ok(replacement);
    assert.deepEqual(inGraph(), [replacement.id]);
  });

  it('the timer makes anew a subscription that Graph lost without telling', async () => {
    const subscription = await held();
    // Gone from Graph, silently (as after a tenant-side cleanup).
    service.graph.subscriptions.delete(subscription.id);
    await store.subscriptions.save({
      ...subscription,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await runTimer();
    const replacement = await waitFor('a new subscription', async () => {
      const now = await store.subscriptions.forRoom(ROOM);
      return now.length === 1 && now[0]?.id !== subscription.id ? now[0] : undefined;
    });
    assert.ok(replacement);
    assert.deepEqual(inGraph(), [replacement.id]);
  });
});
