/** Graph access for roomsync: the gateway, its credentials and its typed failures. */
export {
  BATCH_LIMIT,
  GraphGateway,
  type GraphGatewayOptions,
  type GraphEvent,
  type GraphSubscription,
  type SubscriptionRenewal,
} from './gateway';
export { graphCredential, type GraphAuth } from './credentials';
export * from './errors';
export { MailboxLimiter } from './mailbox-limiter';
