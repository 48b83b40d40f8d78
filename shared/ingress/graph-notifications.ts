import { timingSafeEqual, createHash } from 'node:crypto';
import { z } from 'zod';
import type { SubscriptionMessage, SyncMessage } from '../queue/messages';
import type { Logger } from '../telemetry/logger';

/**
 * Graph's change notifications, read and checked, turned into queue messages: nothing else happens in
 * the request (Graph wants an answer within 3 s, and slow endpoints get their notifications dropped).
 */

const item = z.object({
  subscriptionId: z.string().min(1),
  clientState: z.string().nullish(),
  changeType: z.string().nullish(),
  lifecycleEvent: z.string().nullish(),
  resourceData: z
    .object({ id: z.string().min(1), '@odata.etag': z.string().nullish() })
    .loose()
    .nullish(),
});

const collection = z.object({ value: z.array(z.unknown()) });

export interface NotificationDeps {
  /** The subscription roomsync made, by id: its room and the clientState it chose. */
  subscription(id: string): Promise<{ room: string; clientState: string } | undefined>;
  enqueueSync(message: SyncMessage): Promise<void>;
  enqueueSubscription(message: SubscriptionMessage): Promise<void>;
  logger: Logger;
  correlationId: string;
}

export type NotificationOutcome =
  { status: 202; accepted: number; dropped: number } | { status: 400; error: string };

/** Constant time, so a forged clientState cannot be found one character at a time. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** `W/"changeKey"` → changeKey. */
function changeKeyOf(etag: string | null | undefined): string | undefined {
  const match = etag ? /^(?:W\/)?"(.*)"$/.exec(etag) : null;
  return match?.[1] ?? etag ?? undefined;
}

const LIFECYCLE = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
const CHANGES = ['created', 'updated', 'deleted'] as const;

export async function acceptGraphNotifications(
  body: unknown,
  deps: NotificationDeps,
): Promise<NotificationOutcome> {
  const parsed = collection.safeParse(body);
  if (!parsed.success)
    return { status: 400, error: 'expected a changeNotificationCollection ({ "value": [...] })' };
  let dropped = 0;
  const known = new Map<string, Awaited<ReturnType<NotificationDeps['subscription']>>>();
  const lifecycleEvents: SubscriptionMessage[] = [];
  // One message per event: Graph often sends an event's changes together (a meeting's `created` and,
  // once the room has accepted it, `updated`), and each message costs a read of the event.
  const changes = new Map<string, Extract<SyncMessage, { kind: 'graphChange' }>>();
  for (const raw of parsed.data.value) {
    const notification = item.safeParse(raw);
    if (!notification.success) {
      dropped += 1;
      deps.logger.warn('Dropped a malformed Graph notification item', { correlationId: deps.correlationId });
      continue;
    }
    const n = notification.data;
    if (!known.has(n.subscriptionId)) known.set(n.subscriptionId, await deps.subscription(n.subscriptionId));
    const subscription = known.get(n.subscriptionId);
    if (!subscription || !sameSecret(n.clientState ?? '', subscription.clientState)) {
      dropped += 1;
      deps.logger.warn('Dropped a Graph notification with an unknown subscription or a wrong clientState', {
        correlationId: deps.correlationId,
        subscriptionId: n.subscriptionId,
        known: subscription !== undefined,
      });
      continue;
    }
    const lifecycle = LIFECYCLE.find((e) => e === n.lifecycleEvent);
    if (lifecycle) {
      lifecycleEvents.push({
        v: 1,
        correlationId: deps.correlationId,
        kind: 'lifecycle',
        subscriptionId: n.subscriptionId,
        event: lifecycle,
      });
      continue;
    }
    const changeType = CHANGES.find((c) => c === n.changeType);
    if (!changeType || !n.resourceData) {
      dropped += 1;
      deps.logger.warn('Dropped a Graph notification without a change', {
        correlationId: deps.correlationId,
        subscriptionId: n.subscriptionId,
      });
      continue;
    }
    const changeKey = changeKeyOf(n.resourceData['@odata.etag']);
    const key = `${subscription.room} ${n.resourceData.id}`;
    // A deleted event stays deleted, whatever order its notifications came in (ids are not reused), and
    // its message names no changeKey: one already read would make the deletion look like an echo.
    const deleted = changeType === 'deleted' || changes.get(key)?.changeType === 'deleted';
    changes.set(key, {
      v: 1,
      correlationId: deps.correlationId,
      kind: 'graphChange',
      room: subscription.room,
      subscriptionId: n.subscriptionId,
      eventId: n.resourceData.id,
      changeType: deleted ? 'deleted' : changeType,
      ...(changeKey && !deleted ? { changeKey } : {}),
    });
  }
  // Queued together: Graph wants its answer within 3 seconds, or it sends the whole batch again.
  await Promise.all([
    ...lifecycleEvents.map((m) => deps.enqueueSubscription(m)),
    ...[...changes.values()].map((m) => deps.enqueueSync(m)),
  ]);
  const accepted = parsed.data.value.length - dropped;
  return { status: 202, accepted, dropped };
}
