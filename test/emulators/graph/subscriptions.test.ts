import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import { startGraphEmulator, type GraphEmulator } from '../../../emulators/graph/server';
import { fetchToken, graphClient, graphError } from '../../helpers/graph-client';
import { startReceiver, type Receiver } from '../../helpers/notification-receiver';
import { waitFor } from '../../helpers/wait';

const ROOM = 'room.alpha@contoso.com';

interface Subscription {
  id: string;
  expirationDateTime: string;
  clientState: string;
  changeType: string;
}

const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

describe('Graph emulator: subscriptions and change notifications', () => {
  let emulator: GraphEmulator;
  let client: Client;
  let receiver: Receiver;
  before(async () => {
    emulator = await startGraphEmulator({ subscriptions: { batchWindowMs: 20, retryDelaysMs: [50, 50] } });
    receiver = await startReceiver();
  });
  beforeEach(async () => {
    emulator.reset();
    receiver.items.length = 0;
    receiver.posts = 0;
    receiver.validation = 'echo';
    receiver.failNext = 0;
    emulator.directory.add({ email: ROOM, displayName: 'Room Alpha', kind: 'room' });
    client = graphClient(emulator.url, await fetchToken(emulator.url));
  });
  after(async () => {
    await receiver.close();
    await emulator.stop();
  });

  const subscribe = (overrides: Record<string, unknown> = {}): Promise<Subscription> =>
    client
      .api('/subscriptions')
      .header('Prefer', 'IdType="ImmutableId"')
      .post({
        changeType: 'created,updated,deleted',
        notificationUrl: receiver.url,
        lifecycleNotificationUrl: receiver.url,
        resource: `users/${ROOM}/events`,
        expirationDateTime: inMinutes(60),
        clientState: 'secret-state',
        ...overrides,
      }) as Promise<Subscription>;

  it('creates a subscription after the validation handshake, and refuses one whose endpoint does not echo the token', async () => {
    const created = await subscribe();
    assert.equal(created.changeType, 'created,updated,deleted');
    assert.equal(created.clientState, 'secret-state');
    for (const behaviour of ['echo-encoded', 'json', 'fail'] as const) {
      receiver.validation = behaviour;
      const refused = await graphError(subscribe());
      assert.equal(refused.statusCode, 400, behaviour);
      assert.match(refused.message, /validation request failed/);
    }
    const list = (await client.api('/subscriptions').get()) as { value: Subscription[] };
    assert.deepEqual(
      list.value.map((s) => s.id),
      [created.id],
    );
  });

  it('refuses an expiration beyond the maximum lifetime, and raises one under 45 minutes to 45', async () => {
    const tooLong = await graphError(subscribe({ expirationDateTime: inMinutes(4300) }));
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.message, /Subscription expiration can only be 4230 minutes in the future/);
    const short = await subscribe({ expirationDateTime: inMinutes(5) });
    assert.ok(Date.parse(short.expirationDateTime) >= Date.now() + 44 * 60_000);
  });

  it('renews with PATCH, deletes with DELETE, and answers 404 for a subscription that is gone', async () => {
    const created = await subscribe();
    const renewed = (await client
      .api(`/subscriptions/${created.id}`)
      .patch({ expirationDateTime: inMinutes(3000) })) as Subscription;
    assert.ok(Date.parse(renewed.expirationDateTime) > Date.parse(created.expirationDateTime));
    await client.api(`/subscriptions/${created.id}/reauthorize`).post({});
    await client.api(`/subscriptions/${created.id}`).delete();
    const gone = await graphError(
      client.api(`/subscriptions/${created.id}`).patch({ expirationDateTime: inMinutes(100) }),
    );
    assert.equal(gone.statusCode, 404);
  });

  it('notifies every create, update and delete, several per POST, with clientState, ids and etags', async () => {
    const subscription = await subscribe();
    const event = (await client
      .api(`/users/${ROOM}/events`)
      .header('Prefer', 'IdType="ImmutableId"')
      .post({
        subject: 'Standup',
        start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-12-01T09:15:00', timeZone: 'UTC' },
      })) as { id: string; changeKey: string };
    const updated = (await client
      .api(`/users/${ROOM}/events/${event.id}`)
      .patch({ subject: 'Standup (moved)' })) as { changeKey: string };
    await client.api(`/users/${ROOM}/events/${event.id}`).delete();
    await emulator.subscriptions.flush();
    await waitFor('four notifications', () => receiver.items.length >= 4);

    const items = receiver.items.map(
      ({ item }) =>
        item as {
          changeType: string;
          subscriptionId: string;
          clientState: string;
          tenantId: string;
          resourceData: { id: string; '@odata.etag'?: string; '@odata.type': string };
        },
    );
    assert.deepEqual(
      items.map((i) => i.changeType),
      ['created', 'updated', 'updated', 'deleted'],
    );
    for (const item of items) {
      assert.equal(item.subscriptionId, subscription.id);
      assert.equal(item.clientState, 'secret-state');
      assert.equal(item.tenantId, emulator.tenantId);
      assert.equal(
        item.resourceData.id,
        event.id,
        'immutable ids, as the subscription was created with IdType=ImmutableId',
      );
      assert.equal(item.resourceData['@odata.type'], '#Microsoft.Graph.Event');
    }
    assert.equal(items[2]?.resourceData['@odata.etag'], `W/"${updated.changeKey}"`);
    assert.ok(receiver.posts < receiver.items.length, 'notifications arrive batched');
    assert.ok(emulator.stats().byMailbox[ROOM] !== undefined);
  });

  it('notifies a change or cancellation of one occurrence as an update of the series master', async () => {
    const master = (await client
      .api(`/users/${ROOM}/events`)
      .header('Prefer', 'IdType="ImmutableId"')
      .post({
        subject: 'Weekly',
        start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-12-01T09:30:00', timeZone: 'UTC' },
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] },
          range: { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: 3 },
        },
      })) as { id: string };
    await subscribe();
    const { value: occurrences } = (await client
      .api(`/users/${ROOM}/events/${master.id}/instances`)
      .query({ startDateTime: '2026-12-01T00:00:00Z', endDateTime: '2026-12-31T00:00:00Z' })
      .get()) as { value: { id: string }[] };
    const [first, second] = occurrences;
    assert.ok(first && second);
    await client.api(`/users/${ROOM}/events/${first.id}`).patch({ subject: 'Weekly (special)' });
    await client.api(`/users/${ROOM}/events/${second.id}`).delete();
    await emulator.subscriptions.flush();
    await waitFor('two notifications', () => receiver.items.length >= 2);
    assert.deepEqual(
      receiver.items.map(({ item }) => {
        const { changeType, resourceData } = item as { changeType: string; resourceData: { id: string } };
        return [changeType, resourceData.id];
      }),
      [
        ['updated', master.id],
        ['updated', master.id],
      ],
    );
  });

  it('redelivers when the endpoint fails', async () => {
    await subscribe();
    receiver.failNext = 2;
    await client.api(`/users/${ROOM}/events`).post({
      subject: 'x',
      start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
    });
    await waitFor('the notifications after two failed deliveries', () => receiver.items.length >= 2, 5000);
    assert.equal(receiver.failNext, 0);
  });

  it('sends lifecycle events on demand; reauthorizationRequired pauses notifications until reauthorized', async () => {
    const subscription = await subscribe();
    const res = await fetch(`${emulator.url}/_emulator/subscriptions/${subscription.id}/lifecycle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'reauthorizationRequired' }),
    });
    assert.equal(res.status, 202);
    await emulator.subscriptions.flush();
    await waitFor('the lifecycle notification', () =>
      receiver.items.find(({ item }) => item.lifecycleEvent === 'reauthorizationRequired'),
    );
    receiver.items.length = 0;
    const body = {
      subject: 'paused',
      start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
    };
    await client.api(`/users/${ROOM}/events`).post(body);
    await emulator.subscriptions.flush();
    assert.equal(receiver.items.length, 0, 'changes during the pause are lost');
    await client.api(`/subscriptions/${subscription.id}/reauthorize`).post({});
    await client.api(`/users/${ROOM}/events`).post(body);
    await emulator.subscriptions.flush();
    await waitFor('notifications after reauthorizing', () => receiver.items.length >= 1);

    await fetch(`${emulator.url}/_emulator/subscriptions/${subscription.id}/lifecycle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'subscriptionRemoved' }),
    });
    const gone = await graphError(client.api(`/subscriptions/${subscription.id}`).get());
    assert.equal(gone.statusCode, 404);
  });
});
