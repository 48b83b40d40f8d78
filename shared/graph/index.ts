/** Graph access for roomsync: the gateway, its credentials, its typed answers and failures. */
export { GraphGateway, type GraphGatewayOptions } from './gateway';
export { BATCH_LIMIT, type SubscriptionRenewal } from './batch';
export type { GraphSubscription } from './subscriptions';
export * from './event';
export { graphCredential, type GraphAuth } from './credentials';
export { failureOf, graphFailure } from './errors';
export { MailboxLimiter } from './mailbox-limiter';
export { RESERVATION_ID_PROPERTY, RESPONSIBLE_PROPERTY } from './properties';
