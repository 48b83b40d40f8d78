import { GraphNotFound, type GraphGateway } from '../graph';
import type { SubscriptionMessage, SyncMessage } from '../queue/messages';
import { SUBSCRIPTION_LIFETIME_MINUTES, subscribeRoom } from '../rooms/admin';
import type { Store, SubscriptionRecord } from '../store';
import type { Logger } from '../telemetry/logger';

/**
 * Keeping every registered room subscribed: renew before expiry, reauthorize when Graph asks, make a new
 * subscription when Graph removed one, and after any gap (missed notifications, a new subscription)
 * queue a backfill so the reconcile catches what the gap hid (design §5).
 */

export interface UpkeepDeps {
  store: Store;
  graph: Pick<
    GraphGateway,
    'createSubscription' | 'renewSubscription' | 'reauthorizeSubscription' | 'deleteSubscription'
  >;
  enqueueSync(message: SyncMessage): Promise<void>;
  publicUrl: string;
  now(): Date;
  logger: Logger;
  correlationId: string;
}

/** Renew a subscription when less than this remains (the timer runs far more often than this). */
export const RENEWAL_HORIZON_MS = 24 * 3_600_000;

async function replace(room: string, old: SubscriptionRecord | undefined, deps: UpkeepDeps): Promise<void> {
  if (old) await deps.store.subscriptions.remove(old.id);
  const created = await subscribeRoom(room, deps);
  deps.logger.info('Subscription made anew', {
    room,
    subscriptionId: created.id,
    correlationId: deps.correlationId,
  });
  // Whatever changed while the room had no subscription reached nobody: compare everything.
  await deps.enqueueSync({ v: 1, correlationId: deps.correlationId, kind: 'backfill', room });
}

export async function handleSubscriptionMessage(
  message: SubscriptionMessage,
  deps: UpkeepDeps,
): Promise<void> {
  if (message.kind === 'subscribe') {
    await replace(message.room, undefined, deps);
    return;
  }
  const record = await deps.store.subscriptions.get(message.subscriptionId);
  if (!record) {
    deps.logger.warn('Lifecycle event for a subscription roomsync does not hold', {
      subscriptionId: message.subscriptionId,
      correlationId: deps.correlationId,
    });
    return;
  }
  const log = {
    room: record.room,
    subscriptionId: record.id,
    correlationId: deps.correlationId,
    event: message.event,
  };
  switch (message.event) {
    case 'reauthorizationRequired':
      try {
        await deps.graph.reauthorizeSubscription(record.room, record.id);
        deps.logger.info('Subscription reauthorized', log);
      } catch (err) {
        if (!(err instanceof GraphNotFound)) throw err;
        await replace(record.room, record, deps);
      }
      // Notifications sent while it waited for reauthorization are lost.
      await deps.enqueueSync({
        v: 1,
        correlationId: deps.correlationId,
        kind: 'backfill',
        room: record.room,
      });
      return;
    case 'subscriptionRemoved':
      deps.logger.warn('Graph removed the subscription; making a new one', log);
      await replace(record.room, record, deps);
      return;
    case 'missed':
      deps.logger.warn('Graph missed notifications; backfilling the room', log);
      await deps.enqueueSync({
        v: 1,
        correlationId: deps.correlationId,
        kind: 'backfill',
        room: record.room,
      });
      return;
  }
}

/**
 * The renewal timer's pass: every subscription that expires within the horizon is extended (or made anew
 * when Graph no longer has it); every registered room without a live subscription gets one.
 */
export async function renewSubscriptions(deps: UpkeepDeps): Promise<{ renewed: number; recreated: number }> {
  const now = deps.now();
  let renewed = 0;
  let recreated = 0;
  const rooms = await deps.store.rooms.list();
  for (const subscription of await deps.store.subscriptions.expiringBefore(
    new Date(now.getTime() + RENEWAL_HORIZON_MS),
  )) {
    if (!rooms.some((r) => r.email === subscription.room)) {
      await deps.store.subscriptions.remove(subscription.id);
      continue;
    }
    try {
      const renewedTo = await deps.graph.renewSubscription(
        subscription.room,
        subscription.id,
        new Date(now.getTime() + SUBSCRIPTION_LIFETIME_MINUTES * 60_000),
      );
      await deps.store.subscriptions.save({ ...subscription, expiresAt: renewedTo.expirationDateTime });
      renewed += 1;
    } catch (err) {
      if (!(err instanceof GraphNotFound)) throw err;
      await replace(subscription.room, subscription, deps);
      recreated += 1;
    }
  }
  for (const room of rooms) {
    if (!(await deps.store.subscriptions.hasLive(room.email, now))) {
      await replace(room.email, undefined, deps);
      recreated += 1;
    }
  }
  return { renewed, recreated };
}
