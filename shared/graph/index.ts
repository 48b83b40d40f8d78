/** Graph access for roomsync: the gateway, its credentials and its typed failures. */
export { GraphGateway, type GraphGatewayOptions, type GraphEvent, type GraphSubscription } from './gateway';
export { graphCredential, type GraphAuth } from './credentials';
export * from './errors';
export { MailboxLimiter } from './mailbox-limiter';
