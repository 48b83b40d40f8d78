import type { SideError } from '../errors';
import { SubscriptionBatcher, type SubscriptionRenewal } from './batch';
import { calendarView, calendarViewDelta, calendarViewPages } from './calendar-view';
import { GraphClient, type GraphClientOptions } from './client';
import type { GraphEvent } from './event';
import * as events from './events';
import * as subscriptions from './subscriptions';
import type { GraphSubscription } from './subscriptions';

export interface GraphGatewayOptions extends GraphClientOptions {
  /**
   * Subscription writes (POST/PATCH/DELETE /subscriptions) Graph allows an app per tenant in 20 s: 500
   * (graph-notes §6.1). Batched renewals are spaced to stay under it; Infinity turns the spacing off.
   */
  subscriptionWritesPer20s?: number;
}

/**
 * Graph as roomsync uses it: one object over the resource modules (events.ts, calendar-view.ts,
 * subscriptions.ts, batch.ts), all on one GraphClient (client.ts: the SDK, the per-mailbox limit,
 * typed failures and validated answers). It is the sync's Exchange port and what subscription upkeep
 * and room registration call.
 */
export class GraphGateway {
  private readonly graph: GraphClient;
  private readonly batcher: SubscriptionBatcher;

  constructor(options: GraphGatewayOptions) {
    this.graph = new GraphClient(options);
    this.batcher = new SubscriptionBatcher(this.graph, options.subscriptionWritesPer20s ?? 500);
  }

  getMailbox(mailbox: string): Promise<{ mail: string; displayName: string | undefined }> {
    return events.getMailbox(this.graph, mailbox);
  }

  getEvent(mailbox: string, id: string): Promise<GraphEvent | undefined> {
    return events.getEvent(this.graph, mailbox, id);
  }

  findByICalUId(mailbox: string, iCalUId: string): Promise<GraphEvent | undefined> {
    return events.findByICalUId(this.graph, mailbox, iCalUId);
  }

  createEvent(mailbox: string, body: object, transactionId: string): Promise<GraphEvent> {
    return events.createEvent(this.graph, mailbox, body, transactionId);
  }

  updateEvent(mailbox: string, id: string, patch: object, changeKey?: string): Promise<GraphEvent> {
    return events.updateEvent(this.graph, mailbox, id, patch, changeKey);
  }

  deleteEvent(mailbox: string, id: string): Promise<void> {
    return events.deleteEvent(this.graph, mailbox, id);
  }

  declineEvent(mailbox: string, id: string, comment: string): Promise<void> {
    return events.declineEvent(this.graph, mailbox, id, comment);
  }

  instances(mailbox: string, masterId: string, from: Date, to: Date): Promise<GraphEvent[]> {
    return events.instances(this.graph, mailbox, masterId, from, to);
  }

  calendarView(mailbox: string, from: Date, to: Date): Promise<GraphEvent[]> {
    return calendarView(this.graph, mailbox, from, to);
  }

  // A generator itself (not a function returning one), as callers that wrap methods can tell.
  async *calendarViewPages(mailbox: string, from: Date, to: Date): AsyncGenerator<GraphEvent[]> {
    yield* calendarViewPages(this.graph, mailbox, from, to);
  }

  calendarViewDelta(
    mailbox: string,
    from: { deltaLink: string } | { start: Date; end: Date },
  ): Promise<{ items: GraphEvent[]; deltaLink: string }> {
    return calendarViewDelta(this.graph, mailbox, from);
  }

  createSubscription(
    mailbox: string,
    subscription: Parameters<typeof subscriptions.createSubscription>[2],
  ): Promise<GraphSubscription> {
    return subscriptions.createSubscription(this.graph, mailbox, subscription);
  }

  renewSubscription(mailbox: string, id: string, expirationDateTime: Date): Promise<GraphSubscription> {
    return subscriptions.renewSubscription(this.graph, mailbox, id, expirationDateTime);
  }

  renewSubscriptionsBatched(
    renewals: readonly SubscriptionRenewal[],
  ): Promise<Map<string, GraphSubscription | SideError>> {
    return this.batcher.renew(renewals);
  }

  reauthorizeSubscription(mailbox: string, id: string): Promise<void> {
    return subscriptions.reauthorizeSubscription(this.graph, mailbox, id);
  }

  deleteSubscription(mailbox: string, id: string): Promise<void> {
    return subscriptions.deleteSubscription(this.graph, mailbox, id);
  }
}
