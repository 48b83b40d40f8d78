import { timingSafeEqual, createHash } from 'node:crypto';
import { z } from 'zod';
import {
  type SubscriptionMessage,
  type SyncMessage,
  graphChangeMessage,
  lifecycleMessage,
} from '../queue/messages';
import type { Logger } from '../telemetry/logger';
import { safeId } from './ids';

/**
 * Graph's change notifications, read and checked, turned into queue messages: nothing else happens in
 * the request (Graph wants an answer within 3 s, and slow endpoints get their notifications dropped).
 *
 * The endpoint is anonymous, so its cost is bounded by what is sent, not by what it names: each distinct
 * subscription is looked up once per request (in parallel, a few at a time), one log line sums the
 * request up whatever it held, and a request of more than MAX_NOTIFICATIONS_PER_REQUEST items is refused
 * whole before any lookup.
 */

/**
 * Graph documents no maximum number of notifications per POST; what is seen is at most a few hundred
 * (it batches a burst of changes across the subscriptions sharing a URL). A real Outlook item is about
 * 700 bytes (subscription, expiry, tenant, resource path, a 150-character event id, clientState), so
 * 1,000 of them fill most of the 1 MB body limit: the bound refuses nothing Graph sends, and stops a
 * megabyte of minimal items (10,000 of them fit) from costing 10,000 lookups.
 */
export const MAX_NOTIFICATIONS_PER_REQUEST = 1000;

/** Subscriptions looked up at once: a few table reads in flight, not one per item. */
const LOOKUP_CONCURRENCY = 16;

/** How many ids of each kind of drop the summary line names (the counts say how many there were). */
const SAMPLE = 5;

const item = z.object({
  // Graph's subscription ids are GUIDs; event ids about 150 characters.
  subscriptionId: safeId(128),
  clientState: z.string().nullish(),
  changeType: z.string().nullish(),
  lifecycleEvent: z.string().nullish(),
  resourceData: z
    .object({ id: safeId(512), '@odata.etag': z.string().max(1024).nullish() })
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

/** Why items were not queued, by cause. */
export interface Dropped {
  malformed: number;
  unknownSubscription: number;
  /** A clientState that is not the subscription's. */
  unverified: number;
  noChange: number;
}

export type NotificationOutcome =
  | {
      status: 202;
      /** Items that passed the checks (a duplicate lifecycle event or change is accepted, not queued twice). */
      accepted: number;
      dropped: number;
      /** Messages put on the queues. */
      queued: { changes: number; lifecycle: number };
    }
  | { status: 400 | 413; error: string };

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

/** `work` over `items`, at most `limit` at a time; results in the items' order. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const LIFECYCLE = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
const CHANGES = ['created', 'updated', 'deleted'] as const;

type Subscription = Awaited<ReturnType<NotificationDeps['subscription']>>;

export async function acceptGraphNotifications(
  body: unknown,
  deps: NotificationDeps,
): Promise<NotificationOutcome> {
  const parsed = collection.safeParse(body);
  if (!parsed.success)
    return { status: 400, error: 'expected a changeNotificationCollection ({ "value": [...] })' };
  const all = parsed.data.value;
  if (all.length > MAX_NOTIFICATIONS_PER_REQUEST) {
    deps.logger.warn('Refused a Graph notification request with too many items', {
      correlationId: deps.correlationId,
      items: all.length,
      limit: MAX_NOTIFICATIONS_PER_REQUEST,
    });
    return {
      status: 413,
      error: `at most ${String(MAX_NOTIFICATIONS_PER_REQUEST)} notifications per request; this one holds ${String(all.length)}`,
    };
  }

  const dropped: Dropped = { malformed: 0, unknownSubscription: 0, unverified: 0, noChange: 0 };
  const samples = { unknownSubscription: new Set<string>(), unverified: new Set<string>() };
  const items: z.infer<typeof item>[] = [];
  for (const raw of all) {
    const notification = item.safeParse(raw);
    if (notification.success) items.push(notification.data);
    else dropped.malformed += 1;
  }

  const ids = [...new Set(items.map((n) => n.subscriptionId))];
  const found = await inParallel(ids, LOOKUP_CONCURRENCY, (id) => deps.subscription(id));
  const subscriptions = new Map<string, Subscription>(ids.map((id, i) => [id, found[i]]));

  // One lifecycle message per event and subscription: 50 `missed` in one request are one resync. A
  // `missed` is a backfill of the room, so two subscriptions of one room (an old one not yet removed)
  // make one too; the other events act on their own subscription.
  const lifecycleEvents = new Map<string, SubscriptionMessage>();
  // One message per event: Graph often sends an event's changes together (a meeting's `created` and,
  // once the room has accepted it, `updated`), and each message costs a read of the event.
  const changes = new Map<string, Extract<SyncMessage, { kind: 'graphChange' }>>();
  let accepted = 0;
  for (const n of items) {
    const subscription = subscriptions.get(n.subscriptionId);
    if (!subscription) {
      dropped.unknownSubscription += 1;
      if (samples.unknownSubscription.size < SAMPLE) samples.unknownSubscription.add(n.subscriptionId);
      continue;
    }
    if (!sameSecret(n.clientState ?? '', subscription.clientState)) {
      dropped.unverified += 1;
      if (samples.unverified.size < SAMPLE) samples.unverified.add(n.subscriptionId);
      continue;
    }
    const lifecycle = LIFECYCLE.find((e) => e === n.lifecycleEvent);
    if (lifecycle) {
      accepted += 1;
      const key = lifecycle === 'missed' ? `missed ${subscription.room}` : `${lifecycle} ${n.subscriptionId}`;
      if (!lifecycleEvents.has(key))
        lifecycleEvents.set(key, lifecycleMessage(deps.correlationId, n.subscriptionId, lifecycle));
      continue;
    }
    const changeType = CHANGES.find((c) => c === n.changeType);
    if (!changeType || !n.resourceData) {
      dropped.noChange += 1;
      continue;
    }
    accepted += 1;
    const changeKey = changeKeyOf(n.resourceData['@odata.etag']);
    const key = `${subscription.room} ${n.resourceData.id}`;
    // A deleted event stays deleted, whatever order its notifications came in (ids are not reused), and
    // its message names no changeKey: one already read would make the deletion look like an echo.
    const deleted = changeType === 'deleted' || changes.get(key)?.changeType === 'deleted';
    changes.set(
      key,
      graphChangeMessage({
        correlationId: deps.correlationId,
        room: subscription.room,
        source: n.subscriptionId,
        eventId: n.resourceData.id,
        changeType: deleted ? 'deleted' : changeType,
        changeKey: deleted ? undefined : changeKey,
      }),
    );
  }
  // Queued together: Graph wants its answer within 3 seconds, or it sends the whole batch again.
  await Promise.all([
    ...[...lifecycleEvents.values()].map((m) => deps.enqueueSubscription(m)),
    ...[...changes.values()].map((m) => deps.enqueueSync(m)),
  ]);
  const droppedCount =
    dropped.malformed + dropped.unknownSubscription + dropped.unverified + dropped.noChange;
  const queued = { changes: changes.size, lifecycle: lifecycleEvents.size };
  // One line per request, whatever it held: a request of forged items must not cost a line per item.
  const summary = {
    correlationId: deps.correlationId,
    items: all.length,
    accepted,
    queued,
    subscriptions: ids.length,
  };
  if (droppedCount === 0) deps.logger.info('Graph notifications queued', summary);
  else
    deps.logger.warn(
      'Graph notifications queued; some dropped (malformed, unknown subscription, wrong clientState (unverified) or no change)',
      {
        ...summary,
        dropped,
        ...(samples.unknownSubscription.size > 0
          ? { unknownSubscriptionIds: [...samples.unknownSubscription] }
          : {}),
        ...(samples.unverified.size > 0 ? { unverifiedSubscriptionIds: [...samples.unverified] } : {}),
      },
    );
  return { status: 202, accepted, dropped: droppedCount, queued };
}
