import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { QueueClient } from '@azure/storage-queue';
import { enqueue } from '../../shared/queue/encoding';
import { startTestHost, type TestHost } from '../helpers/host';
import { waitFor } from '../helpers/wait';
import { gate, received, resetProbe } from '../fixtures/probe';

const fast = {
  queues: {
    maxPollingInterval: '00:00:00.100',
    visibilityTimeout: '00:00:00',
    batchSize: 4,
    newBatchThreshold: 2,
  },
};

describe('local host: queue-triggered functions on Azurite', () => {
  let t: TestHost;
  let work: QueueClient;
  beforeEach(async () => {
    resetProbe();
    t = await startTestHost('queue-app', { hostJson: fast, appSettings: { WORK_QUEUE: 'work-items' } });
    work = new QueueClient(t.azurite.connectionString, 'work-items');
    await work.create();
  });
  afterEach(async () => {
    await t.close();
  });

  it('decodes a base64 JSON message, hands it to the handler parsed, with the trigger metadata, and deletes it', async () => {
    await enqueue(work, { kind: 'change', roomId: 'r1' });
    const got = await waitFor('the message to be processed', () =>
      received.find((r) => r.function === 'work'),
    );
    assert.deepEqual(got.input, { kind: 'change', roomId: 'r1' });
    const meta = got.triggerMetadata ?? {};
    assert.equal(meta.dequeueCount, 1);
    assert.equal(meta.queueTrigger, '{"kind":"change","roomId":"r1"}');
    assert.equal(typeof meta.id, 'string');
    assert.ok(!Number.isNaN(Date.parse(String(meta.insertionTime))));
    await waitFor(
      'the message to be deleted',
      async () => (await work.getProperties()).approximateMessagesCount === 0,
    );
  });

  it('retries a failing message with increasing dequeueCount and moves it to <queue>-poison after 5 attempts', async () => {
    const failing = new QueueClient(t.azurite.connectionString, 'failing-items');
    await failing.create();
    await enqueue(failing, { id: 'bad-1' });
    const poison = new QueueClient(t.azurite.connectionString, 'failing-items-poison');
    const poisoned = await waitFor('the poison queue to get the message', async () => {
      if (!(await poison.exists())) return undefined;
      const peeked = await poison.peekMessages();
      return peeked.peekedMessageItems[0];
    });
    const counts = received
      .filter((r) => r.function === 'failing')
      .map((r) => r.triggerMetadata?.dequeueCount);
    assert.deepEqual(counts, [1, 2, 3, 4, 5]);
    // The poison copy keeps the original, still-encoded text, as the Functions host does.
    assert.equal(Buffer.from(poisoned.messageText, 'base64').toString(), '{"id":"bad-1"}');
    assert.equal((await failing.getProperties()).approximateMessagesCount, 0);
    assert.ok(
      t.logs.some(
        (line) => line.includes('moved to the poison queue') && line.includes('cannot process this item'),
      ),
    );
  });

  it('treats text that is not base64 as a failure, so it ends in the poison queue without reaching the handler', async () => {
    await work.sendMessage('{"not":"base64"}');
    const poison = new QueueClient(t.azurite.connectionString, 'work-items-poison');
    await waitFor(
      'the poison queue to get the message',
      async () => (await poison.exists()) && (await poison.peekMessages()).peekedMessageItems.length === 1,
    );
    assert.equal(received.filter((r) => r.function === 'work').length, 0);
  });

  it('waits on shutdown for a message that finishes within the grace period', async () => {
    gate.blocked = new Promise<void>((resolve) => (gate.release = resolve));
    await enqueue(work, { block: true });
    await waitFor('the handler to start', () => received.length === 1);
    setTimeout(() => gate.release?.(), 100);
    await t.host.stop(2000);
    assert.equal((await work.getProperties()).approximateMessagesCount, 0);
  });

  it('returns a message still running after the grace period to the queue, visible at once', async () => {
    gate.blocked = new Promise<void>((resolve) => (gate.release = resolve));
    await enqueue(work, { block: true });
    await waitFor('the handler to start', () => received.length === 1);
    await t.host.stop(200);
    const again = await work.receiveMessages({ numberOfMessages: 1 });
    gate.release?.();
    assert.equal(again.receivedMessageItems.length, 1);
    assert.equal(again.receivedMessageItems[0]?.dequeueCount, 2);
  });
});
