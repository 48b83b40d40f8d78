/** The Workplace side: the contract's client, its errors, and webhook signature checks. */
export {
  WorkplaceClient,
  type ReservationQuery,
  type ReservationWrite,
  type WorkplaceClientOptions,
} from './client';
export { tokenProvider, type WorkplaceAuth, type TokenProvider } from './auth';
export * from './errors';
export { DEFAULT_RETRY, type RetryPolicy } from './retry';
export type { Reservation, Room } from './schemas';
export {
  verifyWebhook,
  webhookSignature,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  DEFAULT_TOLERANCE_SECONDS,
  type WebhookVerdict,
  type WebhookRequest,
} from './webhook-signature';
