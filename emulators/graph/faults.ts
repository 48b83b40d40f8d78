import { z } from 'zod';
import { GraphError } from './errors';

/**
 * Throttling as Exchange applies it to one app (4 concurrent requests and a request budget per window,
 * per mailbox) and injected faults, both answered the way Graph answers them.
 */

export const faultsSchema = z.object({
  /** Errors answered instead of handling the request, by route and mailbox. */
  errors: z
    .array(
      z.object({
        /** `METHOD /template`, e.g. `GET /users/{user}/events/{id}`; omitted = every route. */
        route: z.string().optional(),
        /** Mailbox e-mail; omitted = every mailbox. */
        mailbox: z.string().optional(),
        status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
        /** Share of matching requests that fail, 0–1. */
        rate: z.number().min(0).max(1).default(1),
        /** At most this many failures, then the rule is spent. */
        count: z.number().int().positive().optional(),
        retryAfterSeconds: z.number().int().nonnegative().optional(),
      }),
    )
    .default([]),
  /**
   * Timeouts as a client sees them: the request is handled in full, then the connection is destroyed
   * instead of answered (the write happened; the caller cannot know).
   */
  dropResponse: z
    .array(
      z.object({
        route: z.string().optional(),
        mailbox: z.string().optional(),
        rate: z.number().min(0).max(1).default(1),
        count: z.number().int().positive().optional(),
      }),
    )
    .default([]),
  /** Added before each Graph request is handled (holding its concurrency slot). */
  latencyMs: z.number().int().nonnegative().default(0),
  notifications: z
    .object({
      drop: z.number().min(0).max(1).default(0),
      duplicate: z.number().min(0).max(1).default(0),
      /** How many times a duplicated notification is sent. */
      copies: z.number().int().min(2).max(10).default(2),
      delayMs: z.number().int().nonnegative().default(0),
      /** Deliver each batch's notifications in reverse order. */
      reorder: z.boolean().default(false),
    })
    .default({ drop: 0, duplicate: 0, copies: 2, delayMs: 0, reorder: false }),
});

export type Faults = z.infer<typeof faultsSchema>;
export const NO_FAULTS: Faults = faultsSchema.parse({});

export interface ThrottleLimits {
  concurrentPerMailbox: number;
  requestsPerWindow: number;
  windowMs: number;
}

export const EXCHANGE_LIMITS: ThrottleLimits = {
  concurrentPerMailbox: 4,
  requestsPerWindow: 10_000,
  windowMs: 600_000,
};

const ERROR_CODES: Record<number, [string, string]> = {
  429: ['ApplicationThrottled', 'Application is over its MailboxConcurrency limit.'],
  500: ['InternalServerError', 'An internal server error occurred. The operation failed.'],
  502: ['BadGateway', 'The server encountered a temporary error.'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['GatewayTimeout', 'The request timed out.'],
};

/** What the gate saw of each mailbox's concurrency, and the 429s it answered by cause (cleared by reset()). */
export interface ConcurrencyCounts {
  /**
   * The most requests admitted at once per mailbox, each holding its slot until answered. The gate
   * refuses the one over the limit, so this never exceeds it: a client that tried is told by the two
   * below.
   */
  peakInFlight: Record<string, number>;
  /**
   * The most requests at a mailbox at once as clients sent them: those admitted plus the one arriving,
   * whether admitted or refused. Equal to peakInFlight unless a request arrived while the mailbox's
   * slots were all taken, i.e. above the limit only when a client exceeded it.
   */
  peakAttempted: Record<string, number>;
  /** 429s for the concurrency limit (MailboxConcurrency) and for the request budget of the window. */
  refused: { concurrency: number; requests: number };
  /** Concurrency 429s per mailbox. */
  refusedForConcurrency: Record<string, number>;
}

export class RequestGate {
  faults: Faults = NO_FAULTS;
  private readonly spent = new Map<number, number>();
  private readonly spentDrops = new Map<number, number>();
  /** How many faults were injected, by kind (`500`, `429`, `timeout`, `notification:dropped`, …). */
  injected: Record<string, number> = {};
  private readonly inFlight = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();
  private counts: ConcurrencyCounts = RequestGate.noCounts();

  constructor(
    public limits: ThrottleLimits,
    /** Every fault decision draws from here (tests and the fuzzer pass a seeded one). */
    readonly random: () => number = Math.random,
  ) {}

  setFaults(faults: Faults): void {
    this.faults = faults;
    this.spent.clear();
    this.spentDrops.clear();
  }

  /**
   * Admits one request for a mailbox (or for no mailbox) or throws Graph's 429. The returned function
   * releases the concurrency slot; call it when the request is answered.
   */
  admit(mailbox: string | undefined): () => void {
    if (mailbox === undefined) return () => undefined;
    const now = Date.now();
    const running = this.inFlight.get(mailbox) ?? 0;
    const { peakAttempted, peakInFlight, refused, refusedForConcurrency } = this.counts;
    peakAttempted[mailbox] = Math.max(peakAttempted[mailbox] ?? 0, running + 1);
    const windowStart = now - this.limits.windowMs;
    const times = (this.recent.get(mailbox) ?? []).filter((t) => t > windowStart);
    if (times.length >= this.limits.requestsPerWindow) {
      const oldest = times[0] ?? now;
      const retryAfter = Math.max(1, Math.ceil((oldest + this.limits.windowMs - now) / 1000));
      this.recent.set(mailbox, times);
      refused.requests += 1;
      throw new GraphError(429, 'ApplicationThrottled', 'Application is over its MailboxRequests limit.', {
        'Retry-After': String(retryAfter),
      });
    }
    if (running >= this.limits.concurrentPerMailbox) {
      refused.concurrency += 1;
      refusedForConcurrency[mailbox] = (refusedForConcurrency[mailbox] ?? 0) + 1;
      throw new GraphError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
        'Retry-After': '1',
      });
    }
    times.push(now);
    this.recent.set(mailbox, times);
    this.inFlight.set(mailbox, running + 1);
    peakInFlight[mailbox] = Math.max(peakInFlight[mailbox] ?? 0, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight.set(mailbox, (this.inFlight.get(mailbox) ?? 1) - 1);
    };
  }

  /** Throws the injected error for this request, if a rule picks it. */
  injectError(route: string, mailbox: string | undefined): void {
    this.faults.errors.forEach((rule, index) => {
      if (rule.route !== undefined && rule.route.toLowerCase() !== route.toLowerCase()) return;
      if (rule.mailbox !== undefined && rule.mailbox.toLowerCase() !== mailbox) return;
      const used = this.spent.get(index) ?? 0;
      if (rule.count !== undefined && used >= rule.count) return;
      if (this.random() >= rule.rate) return;
      this.spent.set(index, used + 1);
      this.count(String(rule.status));
      const [code, message] = ERROR_CODES[rule.status] ?? ['UnknownError', 'Injected fault.'];
      const retryAfter =
        rule.retryAfterSeconds ?? (rule.status === 429 || rule.status === 503 ? 2 : undefined);
      throw new GraphError(
        rule.status,
        code,
        message,
        retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
      );
    });
  }

  /** Whether this (already handled) request's response is to be lost. */
  dropResponse(route: string, mailbox: string | undefined): boolean {
    return this.faults.dropResponse.some((rule, index) => {
      if (rule.route !== undefined && rule.route.toLowerCase() !== route.toLowerCase()) return false;
      if (rule.mailbox !== undefined && rule.mailbox.toLowerCase() !== mailbox) return false;
      const used = this.spentDrops.get(index) ?? 0;
      if (rule.count !== undefined && used >= rule.count) return false;
      if (this.random() >= rule.rate) return false;
      this.spentDrops.set(index, used + 1);
      this.count('timeout');
      return true;
    });
  }

  count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }

  /** A copy of the concurrency counts since the last reset. */
  concurrency(): ConcurrencyCounts {
    return structuredClone(this.counts);
  }

  private static noCounts(): ConcurrencyCounts {
    return {
      peakInFlight: {},
      peakAttempted: {},
      refused: { concurrency: 0, requests: 0 },
      refusedForConcurrency: {},
    };
  }

  reset(): void {
    this.injected = {};
    this.counts = RequestGate.noCounts();
    this.faults = NO_FAULTS;
    this.spent.clear();
    this.spentDrops.clear();
    this.inFlight.clear();
    this.recent.clear();
  }
}
