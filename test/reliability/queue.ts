import type { SyncMessage } from '../../shared/queue/messages';
import type { Random } from './random';

/**
 * The sync queue as Azure Storage Queues behave, on a virtual clock: at-least-once, no order promised, a
 * message taken is invisible for the visibility timeout and comes back if not completed, and one that
 * failed `maxDequeueCount` times goes to the poison queue.
 */

export interface Queued {
  id: number;
  message: SyncMessage;
  visibleAt: number;
  dequeueCount: number;
}

export class SimQueue {
  now: number;
  readonly poison: Queued[] = [];
  private items: Queued[] = [];
  private nextId = 1;

  constructor(
    start: number,
    private readonly visibilityTimeoutMs: number,
    private readonly maxDequeueCount: number,
  ) {
    this.now = start;
  }

  put(message: SyncMessage, delaySeconds = 0): void {
    this.items.push({
      id: this.nextId++,
      message,
      visibleAt: this.now + delaySeconds * 1000,
      dequeueCount: 0,
    });
  }

  get size(): number {
    return this.items.length;
  }

  /** Up to `n` visible messages, picked at random, made invisible for the visibility timeout. */
  take(n: number, random: Random): Queued[] {
    // Picked from a canonical order (content, then tries), not arrival order: messages that arrive
    // together (a sweep's listing, say) can come in another order when timestamps tie, and a replay
    // must pick the same ones.
    const visible = this.items
      .filter((q) => q.visibleAt <= this.now)
      .map((q) => ({
        q,
        key: `${JSON.stringify({ ...q.message, correlationId: '' })}#${String(q.dequeueCount)}`,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ q }) => q);
    const taken = random.sample(visible, n);
    for (const q of taken) {
      q.dequeueCount += 1;
      q.visibleAt = this.now + this.visibilityTimeoutMs;
    }
    return taken;
  }

  complete(q: Queued): void {
    this.items = this.items.filter((item) => item !== q);
  }

  /** A failed try: the message comes back when its invisibility ends, or goes to poison after the last. */
  fail(q: Queued): 'retry' | 'poison' {
    if (q.dequeueCount < this.maxDequeueCount) return 'retry';
    this.complete(q);
    this.poison.push(q);
    return 'poison';
  }

  /** Moves the clock to the next message's visibility when none is visible; false when the queue is empty. */
  advance(): boolean {
    if (this.items.length === 0) return false;
    const next = Math.min(...this.items.map((q) => q.visibleAt));
    if (next > this.now) this.now = next;
    return true;
  }

  /** Puts every poison message back, as `npm run replay-poison` does. */
  replayPoison(): number {
    const back = this.poison.splice(0);
    for (const q of back) this.put(q.message);
    return back.length;
  }
}
