import { z } from 'zod';
import { isTraceparent } from '../telemetry/tracing';

/**
 * What the HTTP functions enqueue and the workers consume. Every message carries a schema version and
 * the correlation id of the request that caused it, so one change can be followed through the logs.
 */

export const QUEUES = {
  /** One message per change to apply: a Graph notification item, a Workplace webhook, a backfill. */
  sync: 'sync-changes',
  /** Subscription upkeep: create, renew, reauthorize, recreate. */
  subscriptions: 'subscription-events',
} as const;

/**
 * Why a message is in a poison queue: set by the worker that gave up on it (shared/queue/poison.ts) and
 * taken off again by replay, so the reason travels with the message rather than only in a log line.
 */
export const failureSchema = z.object({
  /** The error's name and message, secrets masked. */
  reason: z.string().min(1),
  at: z.iso.datetime(),
  /** Deliveries made, the last one included. */
  attempts: z.number().int().positive(),
  /** A payload that was not a JSON object (so could not carry this field) is kept here as received. */
  original: z.unknown().optional(),
});

export type Failure = z.infer<typeof failureSchema>;

const envelope = {
  v: z.literal(1),
  correlationId: z.string().min(1),
  /** How many times the worker put this change back to wait (for another worker's link, say). */
  waits: z.number().int().nonnegative().optional(),
  /** Only ever on a message in a poison queue; a worker never acts on it. */
  failure: failureSchema.optional(),
  /**
   * The W3C traceparent of the span that queued it: storage queues carry no trace context, and the
   * worker's span continues this trace (shared/telemetry/tracing.ts). A malformed one is dropped, not
   * the message.
   */
  traceparent: z.string().refine(isTraceparent).optional().catch(undefined),
};

export const syncMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    ...envelope,
    kind: z.literal('graphChange'),
    room: z.string().min(1),
    subscriptionId: z.string().min(1),
    eventId: z.string().min(1),
    changeType: z.enum(['created', 'updated', 'deleted']),
    /** The changeKey Graph announced, when it did: the worker drops an echo of its own write by it. */
    changeKey: z.string().optional(),
  }),
  z.object({
    ...envelope,
    kind: z.literal('workplaceChange'),
    reservationId: z.string().min(1),
    version: z.number().int().positive().optional(),
    type: z.enum(['reservation.created', 'reservation.updated', 'reservation.cancelled']),
  }),
  z.object({ ...envelope, kind: z.literal('backfill'), room: z.string().min(1) }),
  /** A while after a meeting reached Workplace: do its rooms that never notified hold it at all? */
  z.object({ ...envelope, kind: z.literal('roomCheck'), linkId: z.string().min(1) }),
  /** A room's reconcile sweep: what changed since the last one, on both sides, as ordinary messages. */
  z.object({ ...envelope, kind: z.literal('reconcile'), room: z.string().min(1) }),
]);

export const subscriptionMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    ...envelope,
    kind: z.literal('lifecycle'),
    subscriptionId: z.string().min(1),
    event: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']),
  }),
  z.object({ ...envelope, kind: z.literal('subscribe'), room: z.string().min(1) }),
]);

export type SyncMessage = z.infer<typeof syncMessageSchema>;
export type SubscriptionMessage = z.infer<typeof subscriptionMessageSchema>;

/** A queue message's payload read into its type; throws (the message goes to the poison queue) if not one. */
export function parseSyncMessage(payload: unknown): SyncMessage {
  return syncMessageSchema.parse(payload);
}

export function parseSubscriptionMessage(payload: unknown): SubscriptionMessage {
  return subscriptionMessageSchema.parse(payload);
}

/*
 * Constructors: every producer builds its messages here, so the envelope (schema version, correlation
 * id) is written once.
 */

type Of<K extends SyncMessage['kind']> = Extract<SyncMessage, { kind: K }>;

/** A room's Exchange item to decide: `source` names what found it (a subscription id, backfill, reconcile). */
export function graphChangeMessage(fields: {
  correlationId: string;
  room: string;
  eventId: string;
  source: string;
  changeType?: 'created' | 'updated' | 'deleted';
  changeKey?: string | undefined;
}): Of<'graphChange'> {
  return {
    v: 1,
    correlationId: fields.correlationId,
    kind: 'graphChange',
    room: fields.room,
    subscriptionId: fields.source,
    eventId: fields.eventId,
    changeType: fields.changeType ?? 'updated',
    ...(fields.changeKey ? { changeKey: fields.changeKey } : {}),
  };
}

/** A reservation to decide; `version` is the one a webhook announced, when one did. */
export function workplaceChangeMessage(fields: {
  correlationId: string;
  reservationId: string;
  type: Of<'workplaceChange'>['type'];
  version?: number | undefined;
}): Of<'workplaceChange'> {
  return {
    v: 1,
    correlationId: fields.correlationId,
    kind: 'workplaceChange',
    reservationId: fields.reservationId,
    ...(fields.version !== undefined ? { version: fields.version } : {}),
    type: fields.type,
  };
}

/** A room's full comparison. */
export function backfillMessage(correlationId: string, room: string): Of<'backfill'> {
  return { v: 1, correlationId, kind: 'backfill', room };
}

/** A room's reconcile sweep. */
export function reconcileMessage(correlationId: string, room: string): Of<'reconcile'> {
  return { v: 1, correlationId, kind: 'reconcile', room };
}

/** A booking's rooms that never showed a copy, looked at again. */
export function roomCheckMessage(correlationId: string, linkId: string): Of<'roomCheck'> {
  return { v: 1, correlationId, kind: 'roomCheck', linkId };
}

type SubscriptionOf<K extends SubscriptionMessage['kind']> = Extract<SubscriptionMessage, { kind: K }>;

export function lifecycleMessage(
  correlationId: string,
  subscriptionId: string,
  event: SubscriptionOf<'lifecycle'>['event'],
): SubscriptionOf<'lifecycle'> {
  return { v: 1, correlationId, kind: 'lifecycle', subscriptionId, event };
}
