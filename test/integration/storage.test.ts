import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAzurite, type RunningAzurite } from '../../local/host/azurite';
import { loadStorageConfig } from '../../shared/config';
import { checkHealth } from '../../shared/health';
import { encodeQueueMessage, enqueue } from '../../shared/queue/encoding';
import { createStorageClients } from '../../shared/storage';

describe('storage clients from the one connection setting (Azurite)', () => {
  let azurite: RunningAzurite;
  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite.stop();
  });

  it('reach tables and queues of the same account', async () => {
    const storage = createStorageClients(
      loadStorageConfig({ AzureWebJobsStorage: azurite.connectionString }),
    );
    await storage.tables.createTable('probe');
    await storage.table('probe').upsertEntity({ partitionKey: 'p', rowKey: 'r', value: 7 });
    assert.equal((await storage.table('probe').getEntity<{ value: number }>('p', 'r')).value, 7);

    const queue = storage.queue('probe-queue');
    await queue.create();
    await enqueue(queue, { hello: 'world' });
    const [message] = (await queue.receiveMessages()).receivedMessageItems;
    assert.equal(message?.messageText, encodeQueueMessage({ hello: 'world' }));
  });

  it('report healthy storage as ok', async () => {
    const storage = createStorageClients(
      loadStorageConfig({ AzureWebJobsStorage: azurite.connectionString }),
    );
    const report = await checkHealth(storage);
    assert.equal(report.status, 'ok');
  });

  it('report unreachable storage as failing, without leaking endpoints or keys', async () => {
    const dead = azurite.connectionString.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:9');
    const storage = createStorageClients(loadStorageConfig({ AzureWebJobsStorage: dead }));
    const report = await checkHealth(storage, 1500);
    assert.equal(report.status, 'failing');
    assert.ok(report.checks.every((check) => !check.ok && check.error !== undefined));
    assert.ok(!/127\.0\.0\.1|AccountKey/.test(JSON.stringify(report)), JSON.stringify(report));
  });
});
