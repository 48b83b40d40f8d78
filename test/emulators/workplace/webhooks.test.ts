import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../../emulators/workplace/server';
import {
  api,
  booking,
  control,
  expectedSignature,
  seedRooms,
  startWebhookReceiver,
  type ReservationBody,
  type WebhookReceiver,
} from './helpers';
import { assertMatches } from './schema';

interface Delivery {
  deliveryId: string;
  type: string;
  reservationId: string;
  version: number;
  occurredAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Workplace emulator: webhooks', () => {
  let emulator: WorkplaceEmulator;
  let client: ReturnType<typeof api>;
  let receiver: WebhookReceiver;
  let second: WebhookReceiver;
  before(async () => {
    emulator = await startWorkplaceEmulator({ webhooks: { retryDelaysMs: [20, 20], timeoutMs: 200 } });
    client = api(emulator);
    receiver = await startWebhookReceiver('secret-one');
    second = await startWebhookReceiver('secret-two');
  });
  beforeEach(async () => {
    emulator.reset();
    receiver.posts.length = 0;
    second.posts.length = 0;
    receiver.failNext = 0;
    receiver.hangNext = 0;
    await seedRooms(emulator);
  });
  after(async () => {
    await emulator.stop();
    await receiver.close();
    await second.close();
  });

  const register = async (r: WebhookReceiver): Promise<void> => {
    const response = await control(emulator, 'webhooks', 'POST', { url: r.url, secret: r.secret });
    assert.equal(response.status, 201);
  };

  /** The deliveries a receiver accepted, each checked against its signature and timestamp. */
  const accepted = (r: WebhookReceiver): Delivery[] =>
    r.posts
      .filter((post) => post.status >= 200 && post.status < 300)
      .map((post) => {
        const timestamp = post.headers['x-workplace-timestamp'];
        assert.equal(typeof timestamp, 'string');
        assert.ok(Math.abs(Number(timestamp) - Date.now() / 1000) < 60);
        assert.equal(post.headers['content-type'], 'application/json');
        assert.equal(
          post.headers['x-workplace-signature'],
          expectedSignature(r.secret, String(timestamp), post.raw),
        );
        return JSON.parse(post.raw) as Delivery;
      });

  it('signs a delivery for every create, update, decline and cancel, to every receiver', async () => {
    await register(receiver);
    await register(second);
    const created = await client.json<ReservationBody>(
      'POST',
      '/reservations',
      booking({ lines: [{ roomId: 'room-1' }, { roomId: 'room-2' }] }),
    );
    const id = created.body.id;
    await client.call(
      'PUT',
      `/reservations/${id}`,
      booking({ lines: [{ roomId: 'room-1' }, { roomId: 'room-2' }] }),
      {
        'if-match': '1',
      },
    );
    await client.call('POST', `/reservations/${id}/lines/room-2/decline`);
    await client.call('DELETE', `/reservations/${id}`);
    await emulator.settle();

    for (const r of [receiver, second]) {
      // Deliveries run concurrently, so arrival order is not promised; versions order them.
      const deliveries = accepted(r).sort((a, b) => a.version - b.version);
      assert.deepEqual(
        deliveries.map((d) => [d.type, d.reservationId, d.version]),
        [
          ['reservation.created', id, 1],
          ['reservation.updated', id, 2],
          ['reservation.updated', id, 3],
          ['reservation.cancelled', id, 4],
        ],
      );
      for (const d of deliveries) {
        assertMatches('WebhookEvent', d);
        assert.match(d.deliveryId, UUID);
        assert.match(d.occurredAt, /Z$/);
      }
    }
  });

  it('retries a failing receiver with the same delivery, then drops it when retries run out', async () => {
    await register(receiver);
    receiver.failNext = 2;
    await client.call('POST', '/reservations', booking());
    await emulator.settle();
    assert.deepEqual(
      receiver.posts.map((post) => post.status),
      [500, 500, 204],
    );
    const ids = new Set(receiver.posts.map((post) => (JSON.parse(post.raw) as Delivery).deliveryId));
    assert.equal(ids.size, 1);

    receiver.posts.length = 0;
    receiver.failNext = 3;
    await client.call('POST', '/reservations', booking({ lines: [{ roomId: 'room-2' }] }));
    await emulator.settle();
    assert.equal(receiver.posts.length, 3);
    assert.equal(accepted(receiver).length, 0);
    assert.equal(emulator.stats().webhooks.dropped, 1);
  });

  it('counts a receiver that does not answer in time as failed and retries', async () => {
    await register(receiver);
    receiver.hangNext = 1;
    await client.call('POST', '/reservations', booking());
    await emulator.settle();
    assert.deepEqual(
      receiver.posts.map((post) => post.status),
      [0, 204],
    );
    assert.equal(accepted(receiver).length, 1);
  });

  it('duplicates and reorders deliveries on demand', async () => {
    await register(receiver);
    await control(emulator, 'faults', 'POST', { webhooks: { duplicate: 1, reorder: true } });
    await client.call('POST', '/reservations', booking());
    await client.call('POST', '/reservations', booking({ lines: [{ roomId: 'room-2' }] }));
    await emulator.settle();
    const deliveries = accepted(receiver);
    assert.equal(deliveries.length, 4);
    assert.deepEqual(
      deliveries.map((d) => d.reservationId),
      ['r-2', 'r-2', 'r-1', 'r-1'],
    );

    receiver.posts.length = 0;
    await control(emulator, 'faults', 'POST', { webhooks: { drop: 1 } });
    await client.call(
      'POST',
      '/reservations',
      booking({ start: '2026-03-31T09:00:00', end: '2026-03-31T10:00:00' }),
    );
    await emulator.settle();
    assert.equal(receiver.posts.length, 0);
  });
});
