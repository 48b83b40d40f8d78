import { inspect } from 'node:util';
import { z } from 'zod';
import type { Logger } from '../telemetry/logger';
import type { Failure } from './messages';
import { telemetryMetrics } from '../telemetry/metrics';

/**
 * A queue worker's last word on a message (design §3): the Functions runtime moves a message that failed
 * `maxDequeueCount` times to `<queue>-poison` as it was, and the reason stays behind in a log line. So on
 * the last delivery the worker poisons the message itself, with a `failure` field saying why, and
 * returns normally, which the runtime takes as done (it would otherwise poison a second copy).
 */

/**
 * host.json `extensions.queues.maxDequeueCount`. The runtime counts deliveries from it, so this copy must
 * not drift: test/unit/poison.test.ts compares the two.
 */
export const MAX_DEQUEUE_COUNT = 5;

/** Long enough for a stack-less error message, short of the queue's 64 KiB message limit. */
const MAX_REASON_LENGTH = 1000;

// Error messages can carry request URLs and headers: mask what looks like a credential before the
// reason is stored in a queue anyone with storage access can peek at.
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, '$1 [redacted]'],
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[redacted]'],
  [
    /\b(code|sig|signature|token|access_token|refresh_token|client_secret|secret|password|key|api_?key|accountkey|sharedaccesssignature|clientstate)=[^&;\s"',]+/gi,
    '$1=[redacted]',
  ],
];

export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

function bounded(text: string): string {
  const clean = redactSecrets(text.replace(/\s+/g, ' ').trim());
  return clean.length > MAX_REASON_LENGTH ? `${clean.slice(0, MAX_REASON_LENGTH - 1)}…` : clean;
}

/** `Name: message` of what a handler threw, without stack or secrets. */
export function failureReason(err: unknown): string {
  if (err instanceof Error) return bounded(`${err.name}: ${err.message}`);
  return bounded(`thrown: ${typeof err === 'string' ? err : inspect(err, { depth: 2 })}`);
}

/** Why a payload is not a message, from the schema's first few complaints. */
export function invalidReason(error: z.ZodError): string {
  const issues = error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`)
    .join('; ');
  return bounded(`InvalidMessage: ${issues}`);
}

/** The message with its failure attached; a payload that is no JSON object travels inside the failure. */
export function withFailure(payload: unknown, failure: Failure): Record<string, unknown> {
  if (typeof payload === 'object' && payload !== null && !Array.isArray(payload))
    return { ...(payload as Record<string, unknown>), failure };
  return { failure: { ...failure, original: payload } };
}

export interface ConsumeOptions<T> {
  /** The queue the message came from (its poison queue is `<queue>-poison`). */
  queue: string;
  /** What the trigger handed the function: the message parsed as JSON, or its text when not JSON. */
  input: unknown;
  /** `context.triggerMetadata.dequeueCount`: 1 on the first delivery. */
  dequeueCount: unknown;
  schema: z.ZodType<T>;
  handle(message: T): Promise<void>;
  /** Sends a payload to `<queue>-poison`, encoded as the queue trigger reads it. */
  sendToPoison(payload: unknown): Promise<void>;
  logger: Logger;
  now(): Date;
}

/**
 * Parses and handles one queue message. Throws (so the runtime delivers it again) when handling fails
 * before the last delivery; a payload that is not a message, or a failure on the last delivery, is
 * poisoned here with its reason. Should that send fail too, the handler's error is thrown after all:
 * the runtime then poisons the message without a reason, which loses the reason but not the message.
 */
export async function consumeQueueMessage<T>(options: ConsumeOptions<T>): Promise<void> {
  // A number from the Node.js worker; a numeric string is taken too, rather than trusted to never come.
  const count = z.coerce.number().int().positive().safeParse(options.dequeueCount);
  const attempts = count.success ? count.data : undefined;
  const parsed = options.schema.safeParse(options.input);
  if (!parsed.success) {
    // No retry can make a malformed message valid: poison at once rather than five times over.
    await poison(options, invalidReason(parsed.error), attempts ?? 1);
    return;
  }
  try {
    await options.handle(parsed.data);
  } catch (err) {
    // Without a count (never so in Azure) the runtime's own poisoning is the safe default.
    if (attempts === undefined || attempts < MAX_DEQUEUE_COUNT) throw err;
    try {
      await poison(options, failureReason(err), attempts);
    } catch (sendError) {
      options.logger.error('Could not poison a message with its reason; the runtime poisons it', {
        queue: options.queue,
        correlationId: correlationIdOf(options.input),
        error: failureReason(sendError),
      });
      throw err;
    }
  }
}

function correlationIdOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const id = (input as { correlationId?: unknown }).correlationId;
  return typeof id === 'string' ? id : undefined;
}

async function poison<T>(options: ConsumeOptions<T>, reason: string, attempts: number): Promise<void> {
  const failure: Failure = { reason, at: options.now().toISOString(), attempts };
  await options.sendToPoison(withFailure(options.input, failure));
  telemetryMetrics.poisoned(options.queue);
  const kind =
    typeof options.input === 'object' ? (options.input as { kind?: unknown } | null)?.kind : undefined;
  options.logger.error('Queue message moved to the poison queue', {
    queue: options.queue,
    poisonQueue: `${options.queue}-poison`,
    correlationId: correlationIdOf(options.input),
    kind: typeof kind === 'string' ? kind : undefined,
    reason,
    attempts,
  });
}
