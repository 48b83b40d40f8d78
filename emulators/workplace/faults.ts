import { z } from 'zod';
import { ApiError } from './errors';

/** Injected faults: error answers, latency, responses lost after the work was done, webhook trouble. */

const route = z.string().regex(/^[A-Z]+ \/\S*$/, 'expected "METHOD /template"');

export const faultsSchema = z
  .object({
    errors: z
      .array(
        z
          .object({
            /** `METHOD /template`, e.g. `GET /reservations/{id}`; omitted = every route. */
            route: route.optional(),
            status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
            /** Share of matching requests that fail, 0–1. */
            rate: z.number().min(0).max(1).default(1),
            /** At most this many failures, then the rule is spent. */
            count: z.number().int().positive().optional(),
            retryAfterSeconds: z.number().int().nonnegative().optional(),
          })
          .strict(),
      )
      .default([]),
    /** Added before each API request is handled. */
    latencyMs: z.number().int().nonnegative().default(0),
    /** The request is handled in full, then the connection is destroyed instead of answered. */
    dropResponse: z
      .array(
        z
          .object({
            route: route.optional(),
            /** Share of matching requests whose answer is lost, 0–1. */
            rate: z.number().min(0).max(1).default(1),
            count: z.number().int().positive().optional(),
          })
          .strict(),
      )
      .default([]),
    webhooks: z
      .object({
        drop: z.number().min(0).max(1).default(0),
        duplicate: z.number().min(0).max(1).default(0),
        /** How many times a duplicated delivery is sent (with the same deliveryId). */
        copies: z.number().int().min(2).max(10).default(2),
        delayMs: z.number().int().nonnegative().default(0),
        /** Hold deliveries briefly and send each held group in reverse order. */
        reorder: z.boolean().default(false),
      })
      .strict()
      .default({ drop: 0, duplicate: 0, copies: 2, delayMs: 0, reorder: false }),
  })
  .strict();

export type Faults = z.infer<typeof faultsSchema>;
export type WebhookFaults = Faults['webhooks'];
export const NO_FAULTS: Faults = faultsSchema.parse({});

const ERROR_CODES: Record<number, [string, string]> = {
  429: ['too_many_requests', 'Too many requests; retry later.'],
  500: ['internal_error', 'An internal error occurred.'],
  502: ['bad_gateway', 'The upstream service answered badly.'],
  503: ['unavailable', 'The service is temporarily unavailable.'],
  504: ['gateway_timeout', 'The upstream service timed out.'],
};

export class FaultGate {
  faults: Faults = NO_FAULTS;
  private readonly spentErrors = new Map<number, number>();
  private readonly spentDrops = new Map<number, number>();
  /** How many faults were injected, by kind (`500`, `429`, `timeout`, `webhook:dropped`, …). */
  injected: Record<string, number> = {};

  constructor(private readonly random: () => number = Math.random) {}

  set(faults: Faults): void {
    this.faults = faults;
    this.spentErrors.clear();
    this.spentDrops.clear();
  }

  reset(): void {
    this.set(NO_FAULTS);
    this.injected = {};
  }

  count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }

  /** Throws the injected error for this route, if a rule picks it. */
  injectError(routeKey: string): void {
    this.faults.errors.forEach((rule, index) => {
      if (!this.take(rule.route, rule.count, index, this.spentErrors, routeKey, rule.rate)) return;
      this.count(String(rule.status));
      const [code, message] = ERROR_CODES[rule.status] ?? ['error', 'Injected fault.'];
      const retryAfter = rule.retryAfterSeconds;
      throw new ApiError(
        rule.status,
        code,
        message,
        undefined,
        retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
      );
    });
  }

  /** Whether this (already handled) request's response is to be lost. */
  dropResponse(routeKey: string): boolean {
    const drop = this.faults.dropResponse.some((rule, index) =>
      this.take(rule.route, rule.count, index, this.spentDrops, routeKey, rule.rate),
    );
    if (drop) this.count('timeout');
    return drop;
  }

  private take(
    ruleRoute: string | undefined,
    count: number | undefined,
    index: number,
    spent: Map<number, number>,
    routeKey: string,
    rate: number,
  ): boolean {
    if (ruleRoute !== undefined && ruleRoute !== routeKey) return false;
    const used = spent.get(index) ?? 0;
    if (count !== undefined && used >= count) return false;
    if (this.random() >= rate) return false;
    spent.set(index, used + 1);
    return true;
  }
}
