import { z } from 'zod';
import { NotFound } from '../errors';
import type { GraphClient } from './client';

/** Graph change-notification subscriptions on a room's events: create, renew, reauthorize, delete. */

export const graphSubscriptionSchema = z.object({
  id: z.string().min(1),
  expirationDateTime: z.string(),
  resource: z.string(),
  clientState: z.string().nullish(),
});

export type GraphSubscription = z.infer<typeof graphSubscriptionSchema>;

const subscriptionPath = (id: string): string => `/subscriptions/${encodeURIComponent(id)}`;

export function createSubscription(
  graph: GraphClient,
  mailbox: string,
  subscription: {
    notificationUrl: string;
    lifecycleNotificationUrl?: string;
    clientState: string;
    expirationDateTime: Date;
  },
): Promise<GraphSubscription> {
  return graph.typed(mailbox, `subscribe to ${mailbox}`, graphSubscriptionSchema, () =>
    graph.request('/subscriptions').post({
      changeType: 'created,updated,deleted',
      resource: `users/${mailbox}/events`,
      notificationUrl: subscription.notificationUrl,
      ...(subscription.lifecycleNotificationUrl
        ? { lifecycleNotificationUrl: subscription.lifecycleNotificationUrl }
        : {}),
      clientState: subscription.clientState,
      expirationDateTime: subscription.expirationDateTime.toISOString(),
    }),
  );
}

export function renewSubscription(
  graph: GraphClient,
  mailbox: string,
  id: string,
  expirationDateTime: Date,
): Promise<GraphSubscription> {
  return graph.typed(mailbox, `renew subscription of ${mailbox}`, graphSubscriptionSchema, () =>
    graph.request(subscriptionPath(id)).patch({ expirationDateTime: expirationDateTime.toISOString() }),
  );
}

export async function reauthorizeSubscription(
  graph: GraphClient,
  mailbox: string,
  id: string,
): Promise<void> {
  await graph.call(mailbox, `reauthorize subscription of ${mailbox}`, () =>
    graph.request(`${subscriptionPath(id)}/reauthorize`).post({}),
  );
}

/** Deletes a subscription; one Graph no longer has counts as deleted. */
export async function deleteSubscription(graph: GraphClient, mailbox: string, id: string): Promise<void> {
  try {
    await graph.call(mailbox, `unsubscribe from ${mailbox}`, () =>
      graph.request(subscriptionPath(id)).delete(),
    );
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
  }
}
