import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeMessageText } from '../../local/host/queue-trigger';
import { loadStorageConfig } from '../../shared/config';
import { encodeQueueMessage, enqueue } from '../../shared/queue/encoding';
import { QUEUES } from '../../shared/queue/messages';
import { MAX_DEQUEUE_COUNT } from '../../shared/queue/poison';
import { replayPoison, type PoisonListing } from '../../shared/queue/replay';
import { createStorageClients, type StorageClients } from '../../shared/storage';
import { createStore } from '../../shared/store';
import { FUNCTION_KEY } from '../helpers/host';
import { startServiceHost, type ServiceHost } from '../helpers/service-host';
import { waitFor } from '../helpers/wait';

/** A room roomsync holds as registered, whose mailbox Exchange does not have: every Graph call fails. */
const GHOST = 'room.ghost@contoso.com';

interface Poisoned {
  correlationId?: string;
  failure?: { reason: string; at: string; attempts: number };
}

describe('poison messages keep their reason (the workers on the local host, Azurite)', () => {
  let service: ServiceHost;
  let storage: StorageClients;
  // The functions log to stdout, as they do in Azure (Application Insights collects it).
  const stdout: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  before(async () => {
    process.stdout.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      stdout.push(String(chunk));
      return write(chunk, ...rest);
    };
    // Retries a tenth of a second apart, so the fifth delivery comes within a test's patience.
    service = await startServiceHost(['sync-worker', 'subscription-worker', 'replay-poison'], {
      queues: { visibilityTimeoutMs: 100 },
    });
    storage = createStorageClients(loadStorageConfig(process.env));
    const store = createStore(storage);
    await store.ensure();
    for (const name of Object.values(QUEUES)) await storage.queue(name).createIfNotExists();
    await store.rooms.save({
      email: GHOST,
      workplaceRoomId: 'wp-ghost',
      displayName: 'Ghost',
      timeZone: 'Europe/Brussels',
      registeredAt: '2026-11-25T00:00:00Z',
    });
  });
  after(async () => {
    process.stdout.write = write;
    await service.close();
  });

  const peek = async (name: string): Promise<Poisoned[]> => {
    const queue = storage.queue(name);
    if (!(await queue.exists())) return [];
    return (await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map(
      (m) => JSON.parse(decodeMessageText(m.messageText, 'base64')) as Poisoned,
    );
  };
  const poisonedWith = (name: string, correlationId: string) =>
    waitFor(`${correlationId} in ${name}`, async () =>
      (await peek(name)).find((m) => m.correlationId === correlationId),
    );

  it('a sync message failing on every delivery lands in sync-changes-poison once, with its reason', async () => {
    const message = { v: 1, correlationId: 'poison-backfill', kind: 'backfill', room: GHOST };
    await enqueue(storage.queue(QUEUES.sync), message);
    const poisoned = await poisonedWith(`${QUEUES.sync}-poison`, 'poison-backfill');
    assert.deepEqual({ ...poisoned, failure: undefined }, { ...message, failure: undefined });
    assert.match(poisoned.failure?.reason ?? '', /^GraphNotFound: /);
    assert.equal(poisoned.failure?.attempts, MAX_DEQUEUE_COUNT);
    assert.ok(!Number.isNaN(Date.parse(poisoned.failure.at)));
    // The worker poisoned it and returned: the runtime did not poison a second copy without the reason.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await peek(`${QUEUES.sync}-poison`)).length, 1);
    const logged = stdout.find(
      (line) => line.includes('moved to the poison queue') && line.includes('poison-backfill'),
    );
    assert.ok(logged, 'the poisoning is logged with the correlation id');
    assert.match(logged, /"level":"error"/);
    assert.match(logged, /"reason":"GraphNotFound: /);
  });

  it('a message that is not a message at all is poisoned at once with the validation reason', async () => {
    await enqueue(storage.queue(QUEUES.sync), { v: 1, correlationId: 'poison-invalid', kind: 'nonsense' });
    const poisoned = await poisonedWith(`${QUEUES.sync}-poison`, 'poison-invalid');
    assert.match(poisoned.failure?.reason ?? '', /^InvalidMessage: kind: /);
    assert.equal(poisoned.failure?.attempts, 1);
  });

  it('a subscription message failing on every delivery lands in subscription-events-poison with its reason', async () => {
    await enqueue(storage.queue(QUEUES.subscriptions), {
      v: 1,
      correlationId: 'poison-subscribe',
      kind: 'subscribe',
      room: GHOST,
    });
    const poisoned = await poisonedWith(`${QUEUES.subscriptions}-poison`, 'poison-subscribe');
    assert.match(poisoned.failure?.reason ?? '', /^Graph\w+: /);
    assert.equal(poisoned.failure?.attempts, MAX_DEQUEUE_COUNT);
  });

  it('GET /api/poison lists the reasons; replay puts back each original message without its failure', async () => {
    const res = await fetch(`${service.host.url}/api/poison?queue=sync-changes`, {
      headers: { 'x-functions-key': FUNCTION_KEY },
    });
    assert.equal(res.status, 200);
    const { queues } = (await res.json()) as { queues: PoisonListing[] };
    assert.deepEqual(
      queues[0]?.messages.map((m) => [m.correlationId, m.failure?.reason.split(':')[0]]),
      [
        ['poison-backfill', 'GraphNotFound'],
        ['poison-invalid', 'InvalidMessage'],
      ],
    );
    const bad = await fetch(`${service.host.url}/api/poison?queue=nowhere`, {
      headers: { 'x-functions-key': FUNCTION_KEY },
    });
    assert.equal(bad.status, 400);

    // The workers stop first, so what comes back stays on the queues to be looked at.
    await service.host.stop(500);
    const outcomes = await replayPoison((name) => storage.queue(name));
    assert.deepEqual(
      outcomes.map((o) => [o.queue, o.replayed]),
      [
        [QUEUES.sync, 2],
        [QUEUES.subscriptions, 1],
      ],
    );
    const texts = async (name: string) =>
      (await storage.queue(name).peekMessages({ numberOfMessages: 32 })).peekedMessageItems
        .map((m) => m.messageText)
        .sort();
    assert.deepEqual(
      await texts(QUEUES.sync),
      [
        encodeQueueMessage({ v: 1, correlationId: 'poison-backfill', kind: 'backfill', room: GHOST }),
        encodeQueueMessage({ v: 1, correlationId: 'poison-invalid', kind: 'nonsense' }),
      ].sort(),
    );
    assert.deepEqual(await texts(QUEUES.subscriptions), [
      encodeQueueMessage({ v: 1, correlationId: 'poison-subscribe', kind: 'subscribe', room: GHOST }),
    ]);
  });
});
