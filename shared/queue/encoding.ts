import type { QueueClient } from '@azure/storage-queue';

/**
 * The Functions queue trigger expects base64 message text (host.json `messageEncoding: base64`, the
 * default); a message written as plain text would fail to decode and end in the poison queue. Every
 * producer therefore goes through this one encoder.
 */
export function encodeQueueMessage(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
}

export interface EnqueueOptions {
  /** Delay before the message becomes visible, in whole seconds (the queue service's granularity). */
  visibilityTimeoutSeconds?: number;
}

export async function enqueue(
  queue: QueueClient,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<void> {
  await queue.sendMessage(encodeQueueMessage(payload), {
    visibilityTimeout: options.visibilityTimeoutSeconds,
  });
}
