import type { QueueClient, DequeuedMessageItem } from '@azure/storage-queue';
import type { HostLogger } from './logger';
import type { QueueFunction } from './function-app';
import type { QueueSettings } from './host-json';
import type { Invoker } from './invoke';

/** How long a received message stays invisible while its handler runs; renewed at half-time. */
const LEASE_SECONDS = 600;
/** The Functions host waits this long after finding messages before it polls again. */
const MIN_POLL_MS = 100;

export interface QueueTrigger {
  start(): void;
  /** Stops polling; in-flight handlers get `graceMs` to finish, the rest go back to the queue. */
  stop(graceMs: number): Promise<void>;
}

interface InFlight {
  message: DequeuedMessageItem;
  popReceipt: string;
  renewTimer: NodeJS.Timeout;
  abandoned: boolean;
  done: Promise<void>;
}

function isStatus(err: unknown, status: number): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: unknown }).statusCode === status;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes message text as the host does; throws for text that is not valid under the encoding. */
export function decodeMessageText(text: string, encoding: QueueSettings['messageEncoding']): string {
  if (encoding === 'none') return text;
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact))
    throw new Error('Message is not valid base64 (host.json messageEncoding is base64)');
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** Like the Node.js worker: message text that is JSON reaches the handler parsed, anything else as a string. */
export function toHandlerInput(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Polls one queue for one function with the Functions host's algorithm: batches of `batchSize`, a new
 * batch once in-flight work drops to `newBatchThreshold`, randomized exponential back-off up to
 * `maxPollingInterval` while the queue is empty, retry after `visibilityTimeout` when the handler throws,
 * and, once a message has been dequeued `maxDequeueCount` times, a copy to `<queue>-poison`.
 */
export function createQueueTrigger(options: {
  fn: QueueFunction;
  queue: QueueClient;
  poisonQueue: QueueClient;
  settings: QueueSettings;
  invoker: Invoker;
  logger: HostLogger;
}): QueueTrigger {
  const { fn, queue, poisonQueue, settings, invoker } = options;
  const logger = options.logger.child({ function: fn.name, queue: fn.queueName });
  const inFlight = new Map<string, InFlight>();
  let stopped = true;
  let pollTimer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let idleDelayMs = MIN_POLL_MS;
  let poisonQueueReady: Promise<unknown> | undefined;
  let wakeWhenCapacity: (() => void) | undefined;

  function schedule(delayMs: number): void {
    if (stopped) return;
    pollTimer = setTimeout(() => {
      polling = poll();
    }, delayMs);
  }

  async function poll(): Promise<void> {
    pollTimer = undefined;
    if (stopped) return;
    if (inFlight.size > settings.newBatchThreshold) {
      // Resume as soon as enough work finishes, like the host's listener.
      wakeWhenCapacity = () => schedule(0);
      return;
    }
    let messages: DequeuedMessageItem[] = [];
    try {
      const response = await queue.receiveMessages({
        numberOfMessages: settings.batchSize,
        visibilityTimeout: LEASE_SECONDS,
      });
      messages = response.receivedMessageItems;
    } catch (err) {
      // A queue that does not exist yet is simply empty to the host.
      if (!isStatus(err, 404)) logger.warn('Polling the queue failed', { error: err });
    }
    // stop() may have run while the receive was in flight.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (stopped) {
      await Promise.all(messages.map((message) => release(message.messageId, message.popReceipt)));
      return;
    }
    for (const message of messages) start(message);
    if (messages.length > 0) {
      idleDelayMs = MIN_POLL_MS;
      schedule(MIN_POLL_MS);
    } else {
      idleDelayMs = Math.min(settings.maxPollingIntervalMs, idleDelayMs * (1.6 + Math.random() * 0.8));
      schedule(idleDelayMs);
    }
  }

  function start(message: DequeuedMessageItem): void {
    const entry: InFlight = {
      message,
      popReceipt: message.popReceipt,
      abandoned: false,
      renewTimer: setInterval(() => void renew(entry), (LEASE_SECONDS / 2) * 1000),
      done: Promise.resolve(),
    };
    inFlight.set(message.messageId, entry);
    entry.done = processMessage(entry).finally(() => {
      clearInterval(entry.renewTimer);
      inFlight.delete(message.messageId);
      if (wakeWhenCapacity && inFlight.size <= settings.newBatchThreshold) {
        const wake = wakeWhenCapacity;
        wakeWhenCapacity = undefined;
        wake();
      }
    });
  }

  async function renew(entry: InFlight): Promise<void> {
    try {
      const updated = await queue.updateMessage(
        entry.message.messageId,
        entry.popReceipt,
        undefined,
        LEASE_SECONDS,
      );
      if (updated.popReceipt) entry.popReceipt = updated.popReceipt;
    } catch (err) {
      logger.warn('Renewing a message lease failed', { messageId: entry.message.messageId, error: err });
    }
  }

  async function processMessage(entry: InFlight): Promise<void> {
    const { message } = entry;
    const fields = { messageId: message.messageId, dequeueCount: message.dequeueCount };
    if (message.dequeueCount > settings.maxDequeueCount) {
      // Dequeued too often without completing (the worker died mid-way): poison without running it again.
      await moveToPoison(entry, 'dequeue count exceeded before processing');
      return;
    }
    try {
      const text = decodeMessageText(message.messageText, settings.messageEncoding);
      await invoker.invoke(fn, toHandlerInput(text), {
        id: message.messageId,
        queueTrigger: text,
        dequeueCount: message.dequeueCount,
        expirationTime: message.expiresOn.toISOString(),
        insertionTime: message.insertedOn.toISOString(),
        nextVisibleTime: message.nextVisibleOn.toISOString(),
        popReceipt: entry.popReceipt,
      });
    } catch (err) {
      if (entry.abandoned) return;
      const reason = err instanceof Error ? err.message : String(err);
      if (message.dequeueCount >= settings.maxDequeueCount) {
        logger.error('Queue message failed for the last time', { ...fields, error: err });
        await moveToPoison(entry, reason);
      } else {
        logger.warn('Queue message failed; it will be retried', { ...fields, error: err });
        await settle(() =>
          queue.updateMessage(
            message.messageId,
            entry.popReceipt,
            undefined,
            Math.ceil(settings.visibilityTimeoutMs / 1000),
          ),
        );
      }
      return;
    }
    if (entry.abandoned) return;
    await settle(() => queue.deleteMessage(message.messageId, entry.popReceipt));
  }

  async function moveToPoison(entry: InFlight, reason: string): Promise<void> {
    const poisonName = poisonQueue.name;
    poisonQueueReady ??= poisonQueue.createIfNotExists();
    await settle(async () => {
      await poisonQueueReady;
      await poisonQueue.sendMessage(entry.message.messageText);
      await queue.deleteMessage(entry.message.messageId, entry.popReceipt);
    });
    logger.error('Queue message moved to the poison queue', {
      messageId: entry.message.messageId,
      poisonQueue: poisonName,
      reason,
    });
  }

  // After a shutdown released a message, its lease (pop receipt) is stale: another instance owns it now.
  async function settle(operation: () => Promise<unknown>): Promise<void> {
    try {
      await operation();
    } catch (err) {
      if (isStatus(err, 404)) logger.debug('Message was no longer ours to settle', { error: err });
      else logger.error('Settling a queue message failed', { error: err });
    }
  }

  async function release(messageId: string, popReceipt: string): Promise<void> {
    await settle(() => queue.updateMessage(messageId, popReceipt, undefined, 0));
  }

  return {
    start() {
      stopped = false;
      schedule(0);
    },
    async stop(graceMs) {
      stopped = true;
      if (pollTimer) clearTimeout(pollTimer);
      wakeWhenCapacity = undefined;
      await polling;
      const all = [...inFlight.values()];
      const finished = Promise.all(all.map((entry) => entry.done));
      const timedOut = await Promise.race([
        finished.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
      ]);
      if (!timedOut) return;
      const unfinished = [...inFlight.values()];
      for (const entry of unfinished) {
        entry.abandoned = true;
        clearInterval(entry.renewTimer);
      }
      await Promise.all(unfinished.map((entry) => release(entry.message.messageId, entry.popReceipt)));
      logger.warn('Returned unfinished messages to the queue at shutdown', { count: unfinished.length });
    },
  };
}
