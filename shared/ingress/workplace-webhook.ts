import { z } from 'zod';
import type { SyncMessage } from '../queue/messages';
import type { Logger } from '../telemetry/logger';
import { verifyWebhook } from '../workplace/webhook-signature';

/** A Workplace webhook, verified and turned into one queue message (a hint: the worker fetches). */

const event = z.object({
  deliveryId: z.string().min(1),
  type: z.enum(['reservation.created', 'reservation.updated', 'reservation.cancelled']),
  reservationId: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.string(),
});

export interface WebhookDeps {
  secret: string;
  enqueueSync(message: SyncMessage): Promise<void>;
  logger: Logger;
  correlationId: string;
  now?: Date;
}

export type WebhookOutcome = { status: 202 } | { status: 400 | 401; error: string };

export async function acceptWorkplaceWebhook(
  header: (name: string) => string | null | undefined,
  rawBody: string,
  deps: WebhookDeps,
): Promise<WebhookOutcome> {
  const verdict = verifyWebhook({ header, rawBody }, deps.secret, deps.now ? { now: deps.now } : {});
  if (!verdict.ok) {
    deps.logger.warn('Refused a Workplace webhook', {
      correlationId: deps.correlationId,
      reason: verdict.reason,
    });
    return { status: 401, error: 'invalid signature or timestamp' };
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return { status: 400, error: 'the body is not JSON' };
  }
  const parsed = event.safeParse(json);
  if (!parsed.success) {
    return {
      status: 400,
      error: `not a reservation event: ${parsed.error.issues[0]?.path.join('.') ?? 'body'}`,
    };
  }
  const e = parsed.data;
  await deps.enqueueSync({
    v: 1,
    correlationId: deps.correlationId,
    kind: 'workplaceChange',
    reservationId: e.reservationId,
    version: e.version,
    type: e.type,
  });
  return { status: 202 };
}
