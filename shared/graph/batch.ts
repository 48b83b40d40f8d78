import { z } from 'zod';
import { SideError, Throttled, UnexpectedAnswer } from '../errors';
import { parseAnswer, type GraphClient } from './client';
import { failureOf, graphFailure } from './errors';
import { graphSubscriptionSchema, type GraphSubscription } from './subscriptions';

/** Graph's limit of requests in one JSON batch (concepts/json-batching.md). */
export const BATCH_LIMIT = 20;

/** Rounds of a batch's throttled items re-sent in place before they are handed back. */
const BATCH_RETRY_ROUNDS = 3;

/** One subscription to extend, and the mailbox it watches (for messages). */
export interface SubscriptionRenewal {
  id: string;
  mailbox: string;
  expirationDateTime: Date;
}

const envelopeSchema = z.object({
  responses: z
    .array(
      z.object({
        id: z.string(),
        status: z.number(),
        headers: z.record(z.string(), z.string()).nullish(),
        body: z.unknown().optional(),
      }),
    )
    .nullish(),
});

const errorBodySchema = z.object({
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Renews many subscriptions with JSON batching: PATCH /subscriptions/{id} per item, 20 to a `$batch`,
 * one batch in flight at a time, spaced to stay under the subscription service's write limit. Each
 * item's answer is its own (the envelope is 200 even when items fail): the renewed subscription, or
 * its typed failure (NotFound: Graph no longer has it). Throttled items (429/503) are re-sent after the
 * longest Retry-After among them when that is short, else handed back as Throttled.
 *
 * The per-mailbox limiter is not used: a subscription write goes to Graph's subscription service,
 * which limits writes per app and tenant (hence the spacing), not to the watched mailbox, whose
 * budget of 4 concurrent requests counts calls on its data (graph-notes §6.1); and each item of a
 * batch watches a different room.
 */
export class SubscriptionBatcher {
  private nextBatchAt = 0;
  private readonly spacingMs: number;

  /** `writesPer20s`: subscription writes Graph allows an app per tenant in 20 s (Infinity: no spacing). */
  constructor(
    private readonly graph: GraphClient,
    writesPer20s: number,
  ) {
    this.spacingMs = 20_000 / writesPer20s;
  }

  async renew(renewals: readonly SubscriptionRenewal[]): Promise<Map<string, GraphSubscription | SideError>> {
    const outcomes = new Map<string, GraphSubscription | SideError>();
    for (let start = 0; start < renewals.length; start += BATCH_LIMIT) {
      let pending = renewals.slice(start, start + BATCH_LIMIT);
      for (let round = 0; pending.length > 0; round += 1) {
        const wait = this.nextBatchAt - Date.now();
        if (wait > 0) await sleep(wait);
        this.nextBatchAt = Date.now() + pending.length * this.spacingMs;
        const answers = await this.send(pending);
        const throttled: SubscriptionRenewal[] = [];
        let longestWait = 0;
        pending.forEach((renewal, index) => {
          const answer = answers instanceof SideError ? answers : answers.get(String(index));
          const outcome =
            answer ??
            failureOf(0, 'NoAnswer', `renew subscription of ${renewal.mailbox}: no answer in the batch`);
          if (
            outcome instanceof Throttled &&
            round < BATCH_RETRY_ROUNDS &&
            outcome.retryAfterMs !== undefined &&
            outcome.retryAfterMs <= this.graph.maxInPlaceWaitMs
          ) {
            throttled.push(renewal);
            longestWait = Math.max(longestWait, outcome.retryAfterMs);
          }
          outcomes.set(renewal.id, outcome);
        });
        if (throttled.length > 0) await sleep(longestWait);
        pending = throttled;
      }
    }
    return outcomes;
  }

  /** One `$batch` of renewals: each answer by its index, or one failure for all when the envelope failed. */
  private async send(
    renewals: readonly SubscriptionRenewal[],
  ): Promise<Map<string, GraphSubscription | SideError> | SideError> {
    const what = `renew ${String(renewals.length)} subscriptions in a batch`;
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      const answer: unknown = await this.graph.sdk.api('/$batch').post({
        requests: renewals.map((renewal, index) => ({
          id: String(index),
          method: 'PATCH',
          url: `/subscriptions/${encodeURIComponent(renewal.id)}`,
          headers: { 'Content-Type': 'application/json', Prefer: 'IdType="ImmutableId"' },
          body: { expirationDateTime: renewal.expirationDateTime.toISOString() },
        })),
      });
      envelope = parseAnswer(envelopeSchema, answer, what);
    } catch (err) {
      const failure = graphFailure(err, what);
      if (failure instanceof SideError) return failure;
      throw failure;
    }
    const answers = new Map<string, GraphSubscription | SideError>();
    for (const answer of envelope.responses ?? []) {
      const renewal = renewals[Number(answer.id)];
      if (!renewal) continue;
      const label = `renew subscription of ${renewal.mailbox}`;
      if (answer.status >= 200 && answer.status < 300) {
        const body = graphSubscriptionSchema.safeParse(answer.body);
        answers.set(
          answer.id,
          body.success
            ? body.data
            : new UnexpectedAnswer(
                'exchange',
                answer.status,
                'UnexpectedAnswer',
                `${label}: not a subscription`,
              ),
        );
        continue;
      }
      const parsed = errorBodySchema.safeParse(answer.body);
      const error = parsed.success ? parsed.data.error : undefined;
      const code = error?.code || String(answer.status);
      const retryAfter = Object.entries(answer.headers ?? {}).find(
        ([name]) => name.toLowerCase() === 'retry-after',
      )?.[1];
      answers.set(
        answer.id,
        failureOf(
          answer.status,
          code,
          `${label}: ${String(answer.status)} ${code}: ${error?.message ?? ''}`,
          retryAfter,
        ),
      );
    }
    return answers;
  }
}
