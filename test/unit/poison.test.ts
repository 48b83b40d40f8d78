import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { subscriptionMessageSchema } from '../../shared/queue/messages';
import {
  MAX_DEQUEUE_COUNT,
  consumeQueueMessage,
  failureReason,
  redactSecrets,
  type ConsumeOptions,
} from '../../shared/queue/poison';
import { createLogger } from '../../shared/telemetry/logger';

const ROOT = path.resolve(__dirname, '..', '..');
const AT = new Date('2026-11-26T08:00:00Z');
const MESSAGE = { v: 1, correlationId: 'c-1', kind: 'subscribe', room: 'room.alpha@contoso.com' };

function harness(overrides: Partial<ConsumeOptions<unknown>> = {}) {
  const sent: unknown[] = [];
  const logs: string[] = [];
  const handled: unknown[] = [];
  const options: ConsumeOptions<unknown> = {
    queue: 'subscription-events',
    input: MESSAGE,
    dequeueCount: 1,
    schema: subscriptionMessageSchema,
    handle: (message) => {
      handled.push(message);
      return Promise.reject(new Error('Graph said no: https://x/y?code=abc123&room=r'));
    },
    sendToPoison: (payload) => {
      sent.push(payload);
      return Promise.resolve();
    },
    logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
    now: () => AT,
    ...overrides,
  };
  return { options, sent, logs, handled };
}

describe('poison messages keep their reason', () => {
  it('MAX_DEQUEUE_COUNT is host.json’s extensions.queues.maxDequeueCount', () => {
    const hostJson = JSON.parse(readFileSync(path.join(ROOT, 'host.json'), 'utf8')) as {
      extensions: { queues: { maxDequeueCount: number } };
    };
    assert.equal(MAX_DEQUEUE_COUNT, hostJson.extensions.queues.maxDequeueCount);
  });

  it('before the last delivery, a failure is thrown for the runtime to retry, and nothing is poisoned', async () => {
    for (let count = 1; count < MAX_DEQUEUE_COUNT; count += 1) {
      const { options, sent } = harness({ dequeueCount: count });
      await assert.rejects(consumeQueueMessage(options), /Graph said no/);
      assert.deepEqual(sent, []);
    }
  });

  it('on the last delivery, sends the message with its failure to the poison queue, logs it, and returns', async () => {
    const { options, sent, logs } = harness({ dequeueCount: MAX_DEQUEUE_COUNT });
    await consumeQueueMessage(options);
    assert.deepEqual(sent, [
      {
        ...MESSAGE,
        failure: {
          reason: 'Error: Graph said no: https://x/y?code=[redacted]&room=r',
          at: '2026-11-26T08:00:00.000Z',
          attempts: MAX_DEQUEUE_COUNT,
        },
      },
    ]);
    const entry = JSON.parse(
      logs.find((line) => line.includes('moved to the poison queue')) ?? '{}',
    ) as Record<string, unknown>;
    assert.equal(entry['level'], 'error');
    assert.equal(entry['correlationId'], 'c-1');
    assert.equal(entry['poisonQueue'], 'subscription-events-poison');
    assert.match(String(entry['reason']), /^Error: Graph said no/);
    assert.ok(!logs.join('').includes('abc123'), 'the secret is not logged');
  });

  it('poisons a payload that is not a message at once, with the validation reason, without handling it', async () => {
    const invalid = { v: 1, correlationId: 'c-2', kind: 'subscribe' };
    const { options, sent, handled } = harness({ input: invalid });
    await consumeQueueMessage(options);
    assert.deepEqual(handled, []);
    assert.equal(sent.length, 1);
    const poisoned = sent[0] as { failure: { reason: string; attempts: number } };
    assert.deepEqual({ ...poisoned, failure: undefined }, { ...invalid, failure: undefined });
    assert.match(poisoned.failure.reason, /^InvalidMessage: room: /);
    assert.equal(poisoned.failure.attempts, 1);
  });

  it('keeps a payload that is no JSON object inside the failure', async () => {
    const { options, sent } = harness({ input: 'not json at all' });
    await consumeQueueMessage(options);
    assert.equal((sent[0] as { failure: { original: unknown } }).failure.original, 'not json at all');
  });

  it('when the poison queue cannot be written, throws the handler’s error so the runtime poisons the message', async () => {
    const { options, logs } = harness({
      dequeueCount: MAX_DEQUEUE_COUNT,
      sendToPoison: () => Promise.reject(new Error('storage down')),
    });
    await assert.rejects(consumeQueueMessage(options), /Graph said no/);
    assert.ok(logs.some((line) => line.includes('Could not poison') && line.includes('storage down')));
  });

  it('reads a dequeueCount given as a numeric string; without a count, leaves poisoning to the runtime', async () => {
    const asText = harness({ dequeueCount: String(MAX_DEQUEUE_COUNT) });
    await consumeQueueMessage(asText.options);
    assert.equal(asText.sent.length, 1);
    const none = harness({ dequeueCount: undefined });
    await assert.rejects(consumeQueueMessage(none.options), /Graph said no/);
    assert.deepEqual(none.sent, []);
  });

  it('a message that succeeds is neither thrown nor poisoned', async () => {
    let handled = 0;
    const { options, sent } = harness({
      dequeueCount: MAX_DEQUEUE_COUNT,
      handle: () => {
        handled += 1;
        return Promise.resolve();
      },
    });
    await consumeQueueMessage(options);
    assert.deepEqual(sent, []);
    assert.equal(handled, 1);
  });

  it('reasons are the error’s name and message, bounded, with credentials masked', () => {
    const err = new TypeError('failed: Authorization: Bearer abc.def.ghi; AccountKey=Zm9v==; sig=xyz');
    assert.equal(
      failureReason(err),
      'TypeError: failed: Authorization: Bearer [redacted]; AccountKey=[redacted]; sig=[redacted]',
    );
    assert.equal(redactSecrets('token eyJhbGciOi.eyJzdWIiOi.c2ln here'), 'token [redacted] here');
    assert.ok(failureReason(new Error('x'.repeat(5000))).length <= 1000);
    assert.equal(failureReason('plain'), 'thrown: plain');
  });
});
