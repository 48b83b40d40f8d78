import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookFaults } from './faults';
import type { ChangeType } from './store';

/**
 * Signed webhook deliveries to every registered receiver, retried on a non-2xx answer or none within
 * the timeout, then dropped. Faults can drop, duplicate, delay and reorder them, as the contract warns.
 */

export interface Receiver {
  url: string;
  secret: string;
}

export interface WebhookEvent {
  deliveryId: string;
  type: ChangeType;
  reservationId: string;
  version: number;
  occurredAt: string;
}

export interface WebhookOptions {
  /** Delay before each retry; the length is the number of retries. Default 0.5 s, 2 s, 5 s. */
  retryDelaysMs?: number[];
  /** A receiver that has not answered by then counts as failed. Default 5 s. */
  timeoutMs?: number;
  /** How long reordered deliveries are held before being sent in reverse. Default 50 ms. */
  reorderWindowMs?: number;
}

export interface WebhookStats {
  attempts: number;
  delivered: number;
  failedAttempts: number;
  dropped: number;
  /** Deliveries sent more than once on purpose (the duplicate fault). */
  duplicated: number;
}

export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookDispatcher {
  readonly receivers: Receiver[] = [];
  stats: WebhookStats = { attempts: 0, delivered: 0, failedAttempts: 0, dropped: 0, duplicated: 0 };
  private readonly pending = new Set<Promise<void>>();
  private held: { receiver: Receiver; event: WebhookEvent }[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  private abort = new AbortController();
  private readonly retryDelaysMs: number[];
  private readonly timeoutMs: number;
  private readonly reorderWindowMs: number;

  constructor(
    private readonly faults: () => WebhookFaults,
    options: WebhookOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? [500, 2000, 5000];
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.reorderWindowMs = options.reorderWindowMs ?? 50;
  }

  add(receiver: Receiver): void {
    this.receivers.push(receiver);
  }

  publish(type: ChangeType, reservationId: string, version: number): void {
    for (const receiver of this.receivers) {
      const event: WebhookEvent = {
        deliveryId: randomUUID(),
        type,
        reservationId,
        version,
        occurredAt: new Date().toISOString(),
      };
      const faults = this.faults();
      if (this.random() < faults.drop) {
        this.stats.dropped += 1;
        continue;
      }
      const copies = this.random() < faults.duplicate ? faults.copies : 1;
      if (copies > 1) this.stats.duplicated += 1;
      for (let i = 0; i < copies; i += 1) {
        if (faults.reorder) this.hold(receiver, event);
        else this.track(this.deliver(receiver, event, faults.delayMs));
      }
    }
  }

  /** Resolves once every delivery under way (retries included) has succeeded or been dropped. */
  async settle(): Promise<void> {
    while (this.pending.size > 0 || this.holdTimer !== undefined) {
      if (this.pending.size === 0) await sleep(this.reorderWindowMs, this.abort.signal);
      else await Promise.allSettled([...this.pending]);
    }
  }

  /** Forgets receivers and abandons deliveries under way. */
  reset(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.receivers.length = 0;
    this.held = [];
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.stats = { attempts: 0, delivered: 0, failedAttempts: 0, dropped: 0, duplicated: 0 };
  }

  private hold(receiver: Receiver, event: WebhookEvent): void {
    this.held.push({ receiver, event });
    this.holdTimer ??= setTimeout(() => {
      const batch = this.held.reverse();
      this.held = [];
      this.holdTimer = undefined;
      for (const { receiver: r, event: e } of batch) this.track(this.deliver(r, e, this.faults().delayMs));
    }, this.reorderWindowMs);
  }

  private track(delivery: Promise<void>): void {
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  private async deliver(receiver: Receiver, event: WebhookEvent, delayMs: number): Promise<void> {
    const signal = this.abort.signal;
    if (!(await sleep(delayMs, signal))) return;
    const body = JSON.stringify(event);
    for (let attempt = 0; ; attempt += 1) {
      if (signal.aborted) return;
      this.stats.attempts += 1;
      if (await this.post(receiver, body, signal)) {
        this.stats.delivered += 1;
        return;
      }
      this.stats.failedAttempts += 1;
      const delay = this.retryDelaysMs[attempt];
      if (delay === undefined) {
        this.stats.dropped += 1;
        return;
      }
      if (!(await sleep(delay, signal))) return;
    }
  }

  private async post(receiver: Receiver, body: string, signal: AbortSignal): Promise<boolean> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const response = await fetch(receiver.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Workplace-Timestamp': timestamp,
          'X-Workplace-Signature': sign(receiver.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }
}

/** Waits `ms`; false when aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
