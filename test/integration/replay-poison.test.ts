import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startAzurite, type RunningAzurite } from '../../local/host/azurite';
import { loadStorageConfig } from '../../shared/config';
import { encodeQueueMessage, enqueue } from '../../shared/queue/encoding';
import { listPoison, replayPoison } from '../../shared/queue/replay';
import { createStorageClients, type StorageClients } from '../../shared/storage';

const ROOT = path.resolve(__dirname, '..', '..');

describe('replaying poison messages (Azurite)', () => {
  let azurite: RunningAzurite;
  let storage: StorageClients;
  before(async () => {
    azurite = await startAzurite();
    storage = createStorageClients(loadStorageConfig({ AzureWebJobsStorage: azurite.connectionString }));
  });
  after(async () => {
    await azurite.stop();
  });

  const texts = async (name: string): Promise<string[]> => {
    const queue = storage.queue(name);
    if (!(await queue.exists())) return [];
    return (await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map((m) => m.messageText);
  };

  it('moves each poison message back to its queue unchanged, and only up to the limit asked', async () => {
    const poison = storage.queue('sync-changes-poison');
    await poison.createIfNotExists();
    const messages = [1, 2, 3].map((n) => ({
      v: 1,
      correlationId: `c${String(n)}`,
      kind: 'backfill',
      room: 'r',
    }));
    for (const m of messages) await enqueue(poison, m);

    const first = await replayPoison((name) => storage.queue(name), { queues: ['sync-changes'], limit: 2 });
    assert.deepEqual(first, [
      { queue: 'sync-changes', replayed: 2, reasons: [{ reason: '(no reason recorded)', count: 2 }] },
    ]);
    assert.equal((await texts('sync-changes-poison')).length, 1);

    const rest = await replayPoison((name) => storage.queue(name));
    assert.deepEqual(rest, [
      { queue: 'sync-changes', replayed: 1, reasons: [{ reason: '(no reason recorded)', count: 1 }] },
      { queue: 'subscription-events', replayed: 0, reasons: [] },
    ]);
    assert.deepEqual(await texts('sync-changes-poison'), []);
    assert.deepEqual((await texts('sync-changes')).sort(), messages.map((m) => encodeQueueMessage(m)).sort());
  });

  it('lists the reasons without taking anything off, then puts messages back without their failure', async () => {
    await storage.queue('sync-changes').clearMessages();
    const poison = storage.queue('sync-changes-poison');
    const failed = (n: number, reason: string) => ({
      message: { v: 1, correlationId: `f${String(n)}`, kind: 'backfill', room: 'r' },
      failure: { reason, at: '2026-11-26T08:00:00.000Z', attempts: 5 },
    });
    const items = [
      failed(1, 'GraphNotFound: gone'),
      failed(2, 'GraphNotFound: gone'),
      failed(3, 'InvalidMessage: room: required'),
    ];
    for (const { message, failure } of items) await enqueue(poison, { ...message, failure });
    // A payload that was no JSON object travels inside its failure, and goes back as the text it was.
    await enqueue(poison, {
      failure: { ...failed(4, 'InvalidMessage: (message): expected object').failure, original: 'garbage' },
    });

    const [listing] = await listPoison((name) => storage.queue(name), { queues: ['sync-changes'] });
    assert.equal(listing?.count, 4);
    assert.deepEqual(
      listing.messages.map((m) => [m.correlationId, m.kind, m.failure?.reason]),
      [
        ['f1', 'backfill', 'GraphNotFound: gone'],
        ['f2', 'backfill', 'GraphNotFound: gone'],
        ['f3', 'backfill', 'InvalidMessage: room: required'],
        [undefined, undefined, 'InvalidMessage: (message): expected object'],
      ],
    );
    assert.equal((await texts('sync-changes-poison')).length, 4, 'listing takes nothing off');

    const [outcome] = await replayPoison((name) => storage.queue(name), { queues: ['sync-changes'] });
    assert.deepEqual(outcome, {
      queue: 'sync-changes',
      replayed: 4,
      reasons: [
        { reason: 'GraphNotFound: gone', count: 2 },
        { reason: 'InvalidMessage: (message): expected object', count: 1 },
        { reason: 'InvalidMessage: room: required', count: 1 },
      ],
    });
    assert.deepEqual(
      (await texts('sync-changes')).sort(),
      [...items.map((i) => encodeQueueMessage(i.message)), Buffer.from('garbage').toString('base64')].sort(),
    );
    await storage.queue('sync-changes').clearMessages();
  });

  it('npm run replay-poison does the same from the command line', async () => {
    await storage.queue('subscription-events-poison').createIfNotExists();
    await enqueue(storage.queue('subscription-events-poison'), {
      v: 1,
      correlationId: 'c9',
      kind: 'subscribe',
      room: 'r',
      failure: { reason: 'GraphNotFound: no such mailbox', at: '2026-11-26T08:00:00.000Z', attempts: 5 },
    });
    const run = (...args: string[]) =>
      promisify(execFile)('node', ['--import', 'tsx', 'scripts/replay-poison.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, AzureWebJobsStorage: azurite.connectionString },
      });
    const listed = await run('--list', '--queue', 'subscription-events');
    assert.match(listed.stdout, /subscription-events-poison: about 1 messages/);
    assert.match(listed.stdout, /subscribe c9: GraphNotFound: no such mailbox/);
    assert.equal((await texts('subscription-events-poison')).length, 1);

    const { stdout } = await run();
    assert.match(stdout, /subscription-events: 1 replayed\n {2}1 × GraphNotFound: no such mailbox/);
    assert.deepEqual(await texts('subscription-events'), [
      encodeQueueMessage({ v: 1, correlationId: 'c9', kind: 'subscribe', room: 'r' }),
    ]);
  });
});
