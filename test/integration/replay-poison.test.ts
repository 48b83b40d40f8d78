import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startAzurite, type RunningAzurite } from '../../local/azurite';
import { loadStorageConfig } from '../../shared/config';
import { encodeQueueMessage, enqueue } from '../../shared/queue/encoding';
import { replayPoison } from '../../shared/queue/replay';
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
    assert.deepEqual(first, [{ queue: 'sync-changes', replayed: 2 }]);
    assert.equal((await texts('sync-changes-poison')).length, 1);

    const rest = await replayPoison((name) => storage.queue(name));
    assert.deepEqual(rest, [
      { queue: 'sync-changes', replayed: 1 },
      { queue: 'subscription-events', replayed: 0 },
    ]);
    assert.deepEqual(await texts('sync-changes-poison'), []);
    assert.deepEqual((await texts('sync-changes')).sort(), messages.map((m) => encodeQueueMessage(m)).sort());
  });

  it('npm run replay-poison does the same from the command line', async () => {
    await storage.queue('subscription-events-poison').createIfNotExists();
    await enqueue(storage.queue('subscription-events-poison'), {
      v: 1,
      correlationId: 'c9',
      kind: 'subscribe',
      room: 'r',
    });
    const { stdout } = await promisify(execFile)('node', ['--import', 'tsx', 'scripts/replay-poison.ts'], {
      cwd: ROOT,
      env: { ...process.env, AzureWebJobsStorage: azurite.connectionString },
    });
    assert.match(stdout, /subscription-events: 1 replayed/);
    assert.equal((await texts('subscription-events')).length, 1);
  });
});
