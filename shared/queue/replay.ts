import type { QueueClient } from '@azure/storage-queue';
import { QUEUES } from './messages';

/**
 * Putting poison messages back (design §3): each message of `<queue>-poison` is sent to `<queue>` as it
 * was and only then deleted from the poison queue, so a crash in between repeats a message (the sync is
 * idempotent) rather than losing one. Message text is moved byte for byte: no decoding, no re-encoding.
 */

export interface ReplayOutcome {
  queue: string;
  replayed: number;
}

/** The queues whose poison can be replayed: every queue a worker reads. */
export const REPLAYABLE = Object.values(QUEUES);

export async function replayPoison(
  queueClient: (name: string) => QueueClient,
  options: { queues?: string[]; limit?: number; onProgress?: (outcome: ReplayOutcome) => void } = {},
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  for (const name of options.queues ?? REPLAYABLE) {
    const poison = queueClient(`${name}-poison`);
    const target = queueClient(name);
    const outcome = { queue: name, replayed: 0 };
    outcomes.push(outcome);
    if (!(await poison.exists())) continue;
    await target.createIfNotExists();
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    while (outcome.replayed < limit) {
      const { receivedMessageItems: batch } = await poison.receiveMessages({
        numberOfMessages: Math.min(32, limit - outcome.replayed),
        visibilityTimeout: 60,
      });
      if (batch.length === 0) break;
      for (const message of batch) {
        await target.sendMessage(message.messageText);
        await poison.deleteMessage(message.messageId, message.popReceipt);
        outcome.replayed += 1;
      }
      options.onProgress?.(outcome);
    }
  }
  return outcomes;
}
