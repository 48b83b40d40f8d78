import { randomBytes } from 'node:crypto';
import type { GraphGateway } from '../graph';
import type { Store, SubscriptionRecord } from '../store';

/**
 * Under every maximum Graph has documented for event subscriptions (4,230 minutes, now 10,080), so the
 * create never fails on its lifetime; the renewal timer extends it long before it runs out.
 */
export const SUBSCRIPTION_LIFETIME_MINUTES = 4200;

/** Creates the room's Graph subscription and records it. */
export async function subscribeRoom(
  room: string,
  deps: {
    store: Store;
    graph: Pick<GraphGateway, 'createSubscription'>;
    publicUrl: string;
    now(): Date;
  },
): Promise<SubscriptionRecord> {
  const clientState = randomBytes(32).toString('base64url');
  const url = `${deps.publicUrl}/api/graph/notifications`;
  const created = await deps.graph.createSubscription(room, {
    notificationUrl: url,
    lifecycleNotificationUrl: url,
    clientState,
    expirationDateTime: new Date(deps.now().getTime() + SUBSCRIPTION_LIFETIME_MINUTES * 60_000),
  });
  const record: SubscriptionRecord = {
    id: created.id,
    room,
    expiresAt: created.expirationDateTime,
    clientState,
    createdAt: deps.now().toISOString(),
  };
  await deps.store.subscriptions.save(record);
  return record;
}
