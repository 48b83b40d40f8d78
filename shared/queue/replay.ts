import type { QueueClient } from '@azure/storage-queue';
import { encodeQueueMessage } from './encoding';
import { QUEUES, failureSchema, type Failure } from './messages';

/**
 * Putting poison messages back (design §3): each message of `<queue>-poison` is sent to `<queue>` and
 * only then deleted from the poison queue, so a crash in between repeats a message (the sync is
 * idempotent) rather than losing one. A message a worker poisoned carries a `failure` (shared/queue/
 * poison.ts): it goes back without it, as it was before it failed. Any other message text is moved byte
 * for byte: no decoding, no re-encoding.
 */

/** How messages the runtime poisoned (no `failure` field) are counted. */
export const NO_REASON = '(no reason recorded)';

export interface ReplayOutcome {
  queue: string;
  replayed: number;
  /** The replayed messages by why they had failed, most frequent first. */
  reasons: { reason: string; count: number }[];
}

/** The queues whose poison can be replayed: every queue a worker reads. */
export const REPLAYABLE = Object.values(QUEUES);

interface Poisoned {
  failure?: Failure;
  kind?: string;
  correlationId?: string;
  /** What goes back on the queue. */
  text: string;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Reads a poison message's text; text that is not a worker-poisoned message is returned untouched. */
export function readPoisoned(text: string): Poisoned {
  let payload: Record<string, unknown> | undefined;
  try {
    payload = asRecord(JSON.parse(Buffer.from(text, 'base64').toString('utf8')));
  } catch {
    payload = undefined;
  }
  const failure = failureSchema.safeParse(payload?.['failure']);
  if (!payload || !failure.success) return { text };
  const { failure: _failure, ...message } = payload;
  const { original, ...reason } = failure.data;
  const string = (key: string): string | undefined =>
    typeof message[key] === 'string' ? message[key] : undefined;
  return {
    failure: reason,
    ...(string('kind') === undefined ? {} : { kind: string('kind') }),
    ...(string('correlationId') === undefined ? {} : { correlationId: string('correlationId') }),
    // A payload that was no JSON object went in as text (the queue trigger hands such text over as is).
    text:
      original === undefined
        ? encodeQueueMessage(message)
        : typeof original === 'string'
          ? Buffer.from(original, 'utf8').toString('base64')
          : encodeQueueMessage(original),
  };
}

function tally(counts: Map<string, number>): { reason: string; count: number }[] {
  return [...counts]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export async function replayPoison(
  queueClient: (name: string) => QueueClient,
  options: { queues?: string[]; limit?: number; onProgress?: (outcome: ReplayOutcome) => void } = {},
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  for (const name of options.queues ?? REPLAYABLE) {
    const poison = queueClient(`${name}-poison`);
    const target = queueClient(name);
    const outcome: ReplayOutcome = { queue: name, replayed: 0, reasons: [] };
    const counts = new Map<string, number>();
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
        const poisoned = readPoisoned(message.messageText);
        await target.sendMessage(poisoned.text);
        await poison.deleteMessage(message.messageId, message.popReceipt);
        outcome.replayed += 1;
        const reason = poisoned.failure?.reason ?? NO_REASON;
        counts.set(reason, (counts.get(reason) ?? 0) + 1);
      }
      outcome.reasons = tally(counts);
      options.onProgress?.(outcome);
    }
  }
  return outcomes;
}

export interface PoisonListing {
  queue: string;
  /** The queue service's approximate count of the poison queue's messages. */
  count: number;
  /** The first messages (at most 32: peeking goes no further without hiding messages). */
  messages: {
    messageId: string;
    insertedOn: string;
    kind?: string;
    correlationId?: string;
    failure?: Failure;
  }[];
}

/** What is in the poison queues and why, without taking anything off them. */
export async function listPoison(
  queueClient: (name: string) => QueueClient,
  options: { queues?: string[] } = {},
): Promise<PoisonListing[]> {
  const listings: PoisonListing[] = [];
  for (const name of options.queues ?? REPLAYABLE) {
    const poison = queueClient(`${name}-poison`);
    const listing: PoisonListing = { queue: name, count: 0, messages: [] };
    listings.push(listing);
    if (!(await poison.exists())) continue;
    listing.count = (await poison.getProperties()).approximateMessagesCount ?? 0;
    const { peekedMessageItems } = await poison.peekMessages({ numberOfMessages: 32 });
    listing.messages = peekedMessageItems.map((item) => {
      const { text: _text, ...about } = readPoisoned(item.messageText);
      return { messageId: item.messageId, insertedOn: item.insertedOn.toISOString(), ...about };
    });
  }
  return listings;
}
