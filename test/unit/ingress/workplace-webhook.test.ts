import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  acceptWorkplaceWebhook,
  type Delivery,
  type DeliveryLog,
  type WebhookDeps,
} from '../../../shared/ingress/workplace-webhook';
import type { SyncMessage } from '../../../shared/queue/messages';
import { createLogger } from '../../../shared/telemetry/logger';
import { webhookSignature } from '../../../shared/workplace';

const SECRET = 'unit-test-webhook-secret-0123';

function signed(body: string): (name: string) => string | undefined {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    'x-workplace-timestamp': timestamp,
    'x-workplace-signature': webhookSignature(SECRET, timestamp, body),
  };
  return (name) => headers[name.toLowerCase()];
}

const delivery = (deliveryId: string, reservationId = 'r-1'): string =>
  JSON.stringify({
    deliveryId,
    type: 'reservation.updated',
    reservationId,
    version: 3,
    occurredAt: '2026-11-26T08:00:00Z',
  });

/** The table's insert-if-absent, in memory. */
function memoryLog(): DeliveryLog & { seen: Set<string>; forgotten: string[] } {
  const seen = new Set<string>();
  const forgotten: string[] = [];
  return {
    seen,
    forgotten,
    remember: (d: Delivery) => {
      const first = !seen.has(d.deliveryId);
      seen.add(d.deliveryId);
      return Promise.resolve(first);
    },
    forget: (d: Delivery) => {
      seen.delete(d.deliveryId);
      forgotten.push(d.deliveryId);
      return Promise.resolve();
    },
  };
}

function harness(overrides: Partial<WebhookDeps> = {}) {
  const queued: SyncMessage[] = [];
  const logs: string[] = [];
  const deps: WebhookDeps = {
    secret: SECRET,
    enqueueSync: (m) => {
      queued.push(m);
      return Promise.resolve();
    },
    deliveries: memoryLog(),
    logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
    correlationId: 'corr-1',
    ...overrides,
  };
  const post = (body: string) => acceptWorkplaceWebhook(signed(body), body, deps);
  return { deps, queued, logs, post };
}

describe('Workplace webhook intake: repeated deliveryIds', () => {
  it('queues a delivery once; the same deliveryId again is answered as a duplicate and queues nothing', async () => {
    const { queued, post } = harness();
    const body = delivery('d-1');
    assert.deepEqual(await post(body), { status: 202, duplicate: false });
    assert.deepEqual(await post(body), { status: 202, duplicate: true, deliveryId: 'd-1' });
    assert.deepEqual(
      queued.map((m) => [m.kind, m.kind === 'workplaceChange' ? m.reservationId : '']),
      [['workplaceChange', 'r-1']],
    );
    // Another delivery of the same reservation is news, not a repeat.
    assert.deepEqual(await post(delivery('d-2')), { status: 202, duplicate: false });
    assert.equal(queued.length, 2);
  });

  it('queues the change anyway when the delivery log cannot be written, and says so in the log', async () => {
    const { queued, logs, post } = harness({
      deliveries: {
        remember: () => Promise.reject(new Error('table storage unavailable')),
        forget: () => Promise.resolve(),
      },
    });
    assert.deepEqual(await post(delivery('d-3')), { status: 202, duplicate: false });
    assert.equal(queued.length, 1);
    assert.ok(logs.some((l) => l.includes('queueing it anyway') && l.includes('table storage unavailable')));
  });

  it('takes the delivery back when its change cannot be queued, so Workplace’s retry is queued', async () => {
    const log = memoryLog();
    let failing = true;
    const queued: SyncMessage[] = [];
    const { post } = harness({
      deliveries: log,
      enqueueSync: (m) => {
        if (failing) return Promise.reject(new Error('queue unavailable'));
        queued.push(m);
        return Promise.resolve();
      },
    });
    await assert.rejects(post(delivery('d-4')), /queue unavailable/);
    assert.deepEqual(log.forgotten, ['d-4']);
    failing = false;
    assert.deepEqual(await post(delivery('d-4')), { status: 202, duplicate: false });
    assert.equal(queued.length, 1);
  });

  it('refuses a body that is no object with a 400 naming the body, and remembers nothing', async () => {
    const { queued, deps, post } = harness();
    for (const body of ['[]', 'null', '"text"'])
      assert.deepEqual(await post(body), { status: 400, error: 'not a reservation event: body' });
    assert.deepEqual(await post('{"deliveryId":"d-5"}'), {
      status: 400,
      error: 'not a reservation event: type',
    });
    assert.equal(queued.length, 0);
    assert.equal((deps.deliveries as ReturnType<typeof memoryLog>).seen.size, 0);
  });

  it('refuses ids that cannot be ids (a lone surrogate, control characters, .., too long) with a 400, queueing nothing', async () => {
    const { queued, deps, post } = harness();
    const event = (deliveryId: string, reservationId: string): string =>
      JSON.stringify({
        deliveryId,
        type: 'reservation.updated',
        reservationId,
        version: 3,
        occurredAt: '2026-11-26T08:00:00Z',
      });
    for (const [deliveryId, reservationId, path] of [
      ['\uD800', 'r-1', 'deliveryId'],
      ['d-6', 'r-\uDFFF', 'reservationId'],
      ['d-7', '..', 'reservationId'],
      ['d-8', 'r\u0000', 'reservationId'],
      ['d-9', 'r'.repeat(300), 'reservationId'],
    ] as const)
      assert.deepEqual(await post(event(deliveryId, reservationId)), {
        status: 400,
        error: `not a reservation event: ${path}`,
      });
    assert.equal(queued.length, 0);
    assert.equal((deps.deliveries as ReturnType<typeof memoryLog>).seen.size, 0);
  });
});
