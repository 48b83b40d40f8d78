import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Workplace webhook signatures: `X-Workplace-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw
 * body>")>` with `X-Workplace-Timestamp` in unix seconds. The timestamp is signed, so a captured delivery
 * cannot be replayed later with a fresh one; beyond the tolerance it is refused.
 */

export const SIGNATURE_HEADER = 'x-workplace-signature';
export const TIMESTAMP_HEADER = 'x-workplace-timestamp';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type WebhookVerdict =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missingHeaders' | 'malformedHeaders' | 'staleTimestamp' | 'badSignature' };

export interface WebhookRequest {
  /** Header lookup, case-insensitive (as `Headers.get` is). */
  header(name: string): string | null | undefined;
  /** The body exactly as received: a re-serialised body would not match its signature. */
  rawBody: string | Uint8Array;
}

export function webhookSignature(secret: string, timestamp: string, rawBody: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

export function verifyWebhook(
  request: WebhookRequest,
  secret: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): WebhookVerdict {
  const signature = request.header(SIGNATURE_HEADER)?.trim();
  const timestamp = request.header(TIMESTAMP_HEADER)?.trim();
  if (!signature || !timestamp) return { ok: false, reason: 'missingHeaders' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^sha256=[0-9a-f]{64}$/i.test(signature)) {
    return { ok: false, reason: 'malformedHeaders' };
  }
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - Number(timestamp)) > tolerance) return { ok: false, reason: 'staleTimestamp' };
  const expected = Buffer.from(webhookSignature(secret, timestamp, request.rawBody).toLowerCase());
  const given = Buffer.from(signature.toLowerCase());
  // Constant time, so the comparison does not leak how much of a forged signature was right.
  const valid = expected.length === given.length && timingSafeEqual(expected, given);
  return valid ? { ok: true, timestamp: Number(timestamp) } : { ok: false, reason: 'badSignature' };
}
