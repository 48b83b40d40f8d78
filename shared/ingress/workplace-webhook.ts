import { z } from 'zod';
import { type SyncMessage, workplaceChangeMessage } from '../queue/messages';
import type { Logger } from '../telemetry/logger';
import type { RefusalReason } from '../store';
import { verifyWebhook } from '../workplace/webhook-signature';
import { safeId } from './ids';

/** A Workplace webhook, verified and turned into one queue message (a hint: the worker fetches). */

const event = z.object({
  // A UUID by the contract; the id becomes a table key, the reservation id a Workplace URL path too.
  deliveryId: safeId(128),
  type: z.enum(['reservation.created', 'reservation.updated', 'reservation.cancelled']),
  reservationId: safeId(256),
  version: z.number().int().positive(),
  occurredAt: z.string().max(64),
});

export interface Delivery {
  deliveryId: string;
  reservationId: string;
  occurredAt: string;
  receivedAt: string;
}

/** The deliveries already accepted (shared/store/deliveries.ts in the service). */
export interface DeliveryLog {
  /** True the first time a deliveryId is seen, false for a repeat; throws when storage cannot say. */
  remember(delivery: Delivery): Promise<boolean>;
  /** Takes a delivery back whose change could not be queued. */
  forget(delivery: Delivery): Promise<void>;
}

export interface WebhookDeps {
  secret: string;
  enqueueSync(message: SyncMessage): Promise<void>;
  /** Without one, every delivery is queued (repeats included), which the idempotent sync tolerates. */
  deliveries?: DeliveryLog;
  /** Counts refusals where the status page and /api/health can show them (refusal-counter.ts). */
  refusals?: { record(reason: RefusalReason): Promise<void> };
  logger: Logger;
  correlationId: string;
  now?: Date;
}

export type WebhookOutcome =
  | { status: 202; duplicate: false }
  | { status: 202; duplicate: true; deliveryId: string }
  | { status: 400 | 401; error: string };

export async function acceptWorkplaceWebhook(
  header: (name: string) => string | null | undefined,
  rawBody: string,
  deps: WebhookDeps,
): Promise<WebhookOutcome> {
  const verdict = verifyWebhook({ header, rawBody }, deps.secret, deps.now ? { now: deps.now } : {});
  if (!verdict.ok) {
    // A line per refusal only at debug: the counter logs them once an interval, so a flood of forged
    // requests is not a flood of log lines.
    deps.logger[deps.refusals ? 'debug' : 'warn']('Refused a Workplace webhook', {
      correlationId: deps.correlationId,
      reason: verdict.reason,
    });
    await deps.refusals?.record(verdict.reason).catch(() => undefined);
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
      error: `not a reservation event: ${parsed.error.issues[0]?.path.join('.') || 'body'}`,
    };
  }
  const e = parsed.data;
  const delivery: Delivery = {
    deliveryId: e.deliveryId,
    reservationId: e.reservationId,
    occurredAt: e.occurredAt,
    receivedAt: (deps.now ?? new Date()).toISOString(),
  };
  let remembered = false;
  if (deps.deliveries) {
    try {
      remembered = await deps.deliveries.remember(delivery);
      if (!remembered) {
        deps.logger.info('A repeated Workplace delivery; nothing queued', {
          correlationId: deps.correlationId,
          deliveryId: e.deliveryId,
          reservationId: e.reservationId,
        });
        return { status: 202, duplicate: true, deliveryId: e.deliveryId };
      }
    } catch (err) {
      // Queue anyway rather than answer 503: the dedupe only saves work (the sync is idempotent and a
      // repeat's version makes it an echo), while a 503 leaves the change to Workplace's retries, which
      // are finite. When storage is down altogether the enqueue below fails too, and the 500 makes
      // Workplace retry.
      deps.logger.warn('Could not check for a repeated Workplace delivery; queueing it anyway', {
        correlationId: deps.correlationId,
        deliveryId: e.deliveryId,
        error: err,
      });
    }
  }
  try {
    await deps.enqueueSync(
      workplaceChangeMessage({
        correlationId: deps.correlationId,
        reservationId: e.reservationId,
        version: e.version,
        type: e.type,
      }),
    );
  } catch (err) {
    // Workplace retries a failed delivery with the same deliveryId: it must not then pass for a repeat.
    // Should this fail too, the reconcile sweep (changedSince) still brings the change within a period.
    if (remembered) await deps.deliveries?.forget(delivery).catch(() => undefined);
    throw err;
  }
  deps.logger.info('Workplace change queued', {
    correlationId: deps.correlationId,
    reservationId: e.reservationId,
    version: e.version,
  });
  return { status: 202, duplicate: false };
}
