/**
 * At most N requests in flight per mailbox (Exchange answers the fifth concurrent request of an app to
 * one mailbox with 429 MailboxConcurrency). Waiters are served in arrival order.
 */
export class MailboxLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly limit = 4) {}

  async run<T>(mailbox: string, work: () => Promise<T>): Promise<T> {
    const key = mailbox.toLowerCase();
    await this.acquire(key);
    try {
      return await work();
    } finally {
      this.release(key);
    }
  }

  /** Requests in flight for a mailbox (for tests and metrics). */
  inFlight(mailbox: string): number {
    return this.active.get(mailbox.toLowerCase()) ?? 0;
  }

  private acquire(key: string): Promise<void> {
    const count = this.active.get(key) ?? 0;
    if (count < this.limit) {
      this.active.set(key, count + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      // The slot passes straight to the waiter: the count stays the same.
      queue.push(resolve);
      this.waiting.set(key, queue);
    });
  }

  private release(key: string): void {
    const next = this.waiting.get(key)?.shift();
    if (next) {
      next();
      return;
    }
    const count = (this.active.get(key) ?? 1) - 1;
    if (count === 0) this.active.delete(key);
    else this.active.set(key, count);
    if (this.waiting.get(key)?.length === 0) this.waiting.delete(key);
  }
}
