import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type GraphRequest,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { RESERVATION_ID_PROPERTY, RESPONSIBLE_PROPERTY } from '../mapping/graph-properties';
import { CallMetricsHandler } from './call-metrics';
import { NotFound, SideError, Throttled } from '../errors';
import { failureOf, graphFailure } from './errors';
import { MailboxLimiter } from './mailbox-limiter';

export interface GraphGatewayOptions {
  credential: TokenCredential;
  /** `https://graph.microsoft.com` by default; the emulator's address in development. */
  baseUrl?: string;
  /**
   * A 429 or 503 whose Retry-After is at most this long is waited out in place (a few tries); a longer
   * one fails at once with Throttled so the queue message comes back after it, not a worker waiting.
   */
  maxInPlaceWaitMs?: number;
  maxConcurrentPerMailbox?: number;
  /**
   * Subscription writes (POST/PATCH/DELETE /subscriptions) Graph allows an app per tenant in 20 s: 500
   * (graph-notes §6.1). Batched renewals are spaced to stay under it; Infinity turns the spacing off.
   */
  subscriptionWritesPer20s?: number;
}

/** One subscription to extend, and the mailbox it watches (for messages). */
export interface SubscriptionRenewal {
  id: string;
  mailbox: string;
  expirationDateTime: Date;
}

/** Graph's limit of requests in one JSON batch (concepts/json-batching.md). */
export const BATCH_LIMIT = 20;

/** Rounds of a batch's throttled items re-sent in place before they are handed back. */
const BATCH_RETRY_ROUNDS = 3;

interface BatchAnswer {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface GraphEvent {
  id: string;
  changeKey?: string;
  iCalUId?: string;
  [property: string]: unknown;
}

export interface GraphSubscription {
  id: string;
  expirationDateTime: string;
  resource: string;
  clientState?: string;
}

/** The extended properties roomsync reads with every event, and a series' exceptions. */
const EXPAND = `singleValueExtendedProperties($filter=id eq '${RESERVATION_ID_PROPERTY}' or id eq '${RESPONSIBLE_PROPERTY}'),exceptionOccurrences`;

/**
 * What roomsync reads of an event. cancelledOccurrences comes back only when selected, so the selection
 * is spelled out; a series master then arrives whole (pattern, cancellations, exceptions) in one GET.
 */
const SELECT = [
  'id',
  'type',
  'subject',
  'start',
  'end',
  'isAllDay',
  'originalStartTimeZone',
  'sensitivity',
  'showAs',
  'organizer',
  'attendees',
  'recurrence',
  'iCalUId',
  'changeKey',
  'isCancelled',
  'responseStatus',
  'transactionId',
  'seriesMasterId',
  'cancelledOccurrences',
];

/**
 * Graph as roomsync uses it, on the official SDK client: immutable ids on every call, at most four
 * requests in flight per mailbox, short throttling waited out and long throttling handed back, and
 * every failure typed (errors.ts).
 */
export class GraphGateway {
  private readonly client: Client;
  private readonly limiter: MailboxLimiter;
  private readonly maxInPlaceWaitMs: number;
  private readonly subscriptionWriteSpacingMs: number;
  private nextSubscriptionBatchAt = 0;

  constructor(options: GraphGatewayOptions) {
    const baseUrl = (options.baseUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
    const maxWait = options.maxInPlaceWaitMs ?? 10_000;
    const auth = new AuthenticationHandler(
      new TokenCredentialAuthenticationProvider(options.credential, {
        scopes: ['https://graph.microsoft.com/.default'],
      }),
    );
    const retry = new RetryHandler(
      new RetryHandlerOptions(1, 3, (_delay, _attempt, _request, _options, response) => {
        const header = response.headers.get('retry-after');
        return header === null || Number(header) * 1000 <= maxWait;
      }),
    );
    const redirect = new RedirectHandler();
    const telemetry = new TelemetryHandler();
    auth.setNext(retry);
    retry.setNext(redirect);
    const counted = new CallMetricsHandler();
    redirect.setNext(telemetry);
    telemetry.setNext(counted);
    counted.setNext(new HTTPMessageHandler());
    this.client = Client.initWithMiddleware({
      baseUrl,
      defaultVersion: 'v1.0',
      middleware: auth,
      // The SDK adds the bearer token only for hosts it knows as Graph's.
      customHosts: new Set([new URL(baseUrl).hostname]),
    });
    this.limiter = new MailboxLimiter(options.maxConcurrentPerMailbox ?? 4);
    this.maxInPlaceWaitMs = maxWait;
    this.subscriptionWriteSpacingMs = 20_000 / (options.subscriptionWritesPer20s ?? 500);
  }

  private request(path: string): GraphRequest {
    return this.client.api(path).header('Prefer', 'IdType="ImmutableId"');
  }

  private async call<T>(mailbox: string, what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.limiter.run(mailbox, work);
    } catch (err) {
      throw graphFailure(err, what);
    }
  }

  private static users(mailbox: string): string {
    return `/users/${encodeURIComponent(mailbox)}`;
  }

  /**
   * The mailbox, through its default calendar: NotFound when Graph knows no such mailbox. Reading
   * the calendar needs only the Calendars permission the sync needs anyway (not User.Read.All), and it
   * proves what registering a room needs: that this app may reach the room's calendar (an Exchange
   * scope that leaves the room out answers 403, as it will for every later call).
   */
  async getMailbox(mailbox: string): Promise<{ mail: string; displayName: string | undefined }> {
    const calendar = await this.call(
      mailbox,
      `GET calendar of ${mailbox}`,
      () =>
        this.request(`${GraphGateway.users(mailbox)}/calendar`)
          .select(['id', 'owner'])
          .get() as Promise<{ id: string; owner?: { name?: string; address?: string } }>,
    );
    return { mail: calendar.owner?.address ?? mailbox, displayName: calendar.owner?.name };
  }

  /** An event with roomsync's extended properties; undefined when it is gone. */
  async getEvent(mailbox: string, id: string): Promise<GraphEvent | undefined> {
    try {
      return await this.call(
        mailbox,
        `GET event in ${mailbox}`,
        () =>
          this.request(`${GraphGateway.users(mailbox)}/events/${encodeURIComponent(id)}`)
            .select(SELECT)
            .expand(EXPAND)
            .get() as Promise<GraphEvent>,
      );
    } catch (err) {
      if (err instanceof NotFound) return undefined;
      throw err;
    }
  }

  /**
   * A meeting's copy in a mailbox, by the iCalUId all copies share (its master, for a series): how a room
   * that never notified (it declined the invitation, so it holds no copy) is told from one that did.
   */
  async findByICalUId(mailbox: string, iCalUId: string): Promise<GraphEvent | undefined> {
    const page = await this.call(
      mailbox,
      `find meeting in ${mailbox}`,
      () =>
        this.request(`${GraphGateway.users(mailbox)}/events`)
          .filter(`iCalUId eq '${iCalUId.replace(/'/g, "''")}'`)
          .select('id,iCalUId,isCancelled,responseStatus')
          .get() as Promise<{ value: GraphEvent[] }>,
    );
    return page.value[0];
  }

  /** Creates an event; the transactionId makes a retried create return the first event. */
  createEvent(mailbox: string, body: object, transactionId: string): Promise<GraphEvent> {
    return this.call(
      mailbox,
      `POST event in ${mailbox}`,
      () =>
        this.request(`${GraphGateway.users(mailbox)}/events`).post({
          ...body,
          transactionId,
        }) as Promise<GraphEvent>,
    );
  }

  /** PATCHes an event; with `changeKey`, Stale when it changed since. */
  updateEvent(mailbox: string, id: string, patch: object, changeKey?: string): Promise<GraphEvent> {
    return this.call(mailbox, `PATCH event in ${mailbox}`, () => {
      const request = this.request(`${GraphGateway.users(mailbox)}/events/${encodeURIComponent(id)}`);
      if (changeKey) request.header('If-Match', `W/"${changeKey}"`);
      return request.patch(patch) as Promise<GraphEvent>;
    });
  }

  /** Deletes an event; one already gone counts as deleted. */
  async deleteEvent(mailbox: string, id: string): Promise<void> {
    try {
      await this.call(
        mailbox,
        `DELETE event in ${mailbox}`,
        () =>
          this.request(
            `${GraphGateway.users(mailbox)}/events/${encodeURIComponent(id)}`,
          ).delete() as Promise<unknown>,
      );
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
    }
  }

  /** The room declines the meeting (its copy leaves its calendar; the organizer is told). */
  async declineEvent(mailbox: string, id: string, comment: string): Promise<void> {
    await this.call(
      mailbox,
      `decline event in ${mailbox}`,
      () =>
        this.request(`${GraphGateway.users(mailbox)}/events/${encodeURIComponent(id)}/decline`).post({
          comment,
          sendResponse: true,
        }) as Promise<unknown>,
    );
  }

  /** A series' occurrences and exceptions in [from, to) (cancelled ones absent), following nextLinks. */
  async instances(mailbox: string, masterId: string, from: Date, to: Date): Promise<GraphEvent[]> {
    return this.pages(
      mailbox,
      `instances in ${mailbox}`,
      `${GraphGateway.users(mailbox)}/events/${encodeURIComponent(masterId)}/instances?startDateTime=${from.toISOString()}&endDateTime=${to.toISOString()}&$top=100`,
    );
  }

  private async pages(mailbox: string, what: string, first: string): Promise<GraphEvent[]> {
    const events: GraphEvent[] = [];
    for await (const page of this.pageByPage(mailbox, what, first)) events.push(...page);
    return events;
  }

  private async *pageByPage(mailbox: string, what: string, first: string): AsyncGenerator<GraphEvent[]> {
    let next: string | undefined = first;
    while (next) {
      const url: string = next;
      const page = await this.call(
        mailbox,
        what,
        () => this.request(url).get() as Promise<{ value: GraphEvent[]; '@odata.nextLink'?: string }>,
      );
      yield page.value;
      next = page['@odata.nextLink'];
    }
  }

  /**
   * One calendarView delta round of a mailbox: from a stored deltaLink (the changes since), or a first
   * round over [from, to) (everything in it); nextLinks followed to the new deltaLink. Items are
   * occurrences and single events; a removed one is `{ id, '@removed' }`. An expired token fails with
   * SyncStateExpired (410): start a first round again.
   */
  async calendarViewDelta(
    mailbox: string,
    from: { deltaLink: string } | { start: Date; end: Date },
  ): Promise<{ items: GraphEvent[]; deltaLink: string }> {
    let next: string | undefined =
      'deltaLink' in from
        ? from.deltaLink
        : `${GraphGateway.users(mailbox)}/calendarView/delta?startDateTime=${from.start.toISOString()}&endDateTime=${from.end.toISOString()}`;
    const items: GraphEvent[] = [];
    while (next) {
      const url: string = next;
      const page = await this.call(
        mailbox,
        `calendarView delta of ${mailbox}`,
        () =>
          this.client
            .api(url)
            .header('Prefer', 'IdType="ImmutableId", odata.maxpagesize=100')
            .get() as Promise<{
            value: GraphEvent[];
            '@odata.nextLink'?: string;
            '@odata.deltaLink'?: string;
          }>,
      );
      items.push(...page.value);
      const deltaLink = page['@odata.deltaLink'];
      if (deltaLink) return { items, deltaLink };
      next = page['@odata.nextLink'];
    }
    throw graphFailure(
      new Error('a delta round ended without a deltaLink'),
      `calendarView delta of ${mailbox}`,
    );
  }

  /**
   * Every occurrence and single event in [from, to), following nextLinks: the properties the sync reads
   * (not the body, which is most of an event's size and none of roomsync's business).
   */
  calendarView(mailbox: string, from: Date, to: Date): Promise<GraphEvent[]> {
    return this.pages(mailbox, `calendarView of ${mailbox}`, GraphGateway.calendarViewUrl(mailbox, from, to));
  }

  /** calendarView a page at a time, for a caller that need not hold a whole calendar at once. */
  async *calendarViewPages(mailbox: string, from: Date, to: Date): AsyncGenerator<GraphEvent[]> {
    yield* this.pageByPage(
      mailbox,
      `calendarView of ${mailbox}`,
      GraphGateway.calendarViewUrl(mailbox, from, to),
    );
  }

  private static calendarViewUrl(mailbox: string, from: Date, to: Date): string {
    return `${GraphGateway.users(mailbox)}/calendarView?startDateTime=${from.toISOString()}&endDateTime=${to.toISOString()}&$top=100&$select=${SELECT.join(',')}`;
  }

  createSubscription(
    mailbox: string,
    subscription: {
      notificationUrl: string;
      lifecycleNotificationUrl?: string;
      clientState: string;
      expirationDateTime: Date;
    },
  ): Promise<GraphSubscription> {
    return this.call(
      mailbox,
      `subscribe to ${mailbox}`,
      () =>
        this.request('/subscriptions').post({
          changeType: 'created,updated,deleted',
          resource: `users/${mailbox}/events`,
          notificationUrl: subscription.notificationUrl,
          ...(subscription.lifecycleNotificationUrl
            ? { lifecycleNotificationUrl: subscription.lifecycleNotificationUrl }
            : {}),
          clientState: subscription.clientState,
          expirationDateTime: subscription.expirationDateTime.toISOString(),
        }) as Promise<GraphSubscription>,
    );
  }

  renewSubscription(mailbox: string, id: string, expirationDateTime: Date): Promise<GraphSubscription> {
    return this.call(
      mailbox,
      `renew subscription of ${mailbox}`,
      () =>
        this.request(`/subscriptions/${encodeURIComponent(id)}`).patch({
          expirationDateTime: expirationDateTime.toISOString(),
        }) as Promise<GraphSubscription>,
    );
  }

  /**
   * Renews many subscriptions with JSON batching: PATCH /subscriptions/{id} per item, 20 to a `$batch`,
   * one batch in flight at a time, spaced to stay under the subscription service's write limit. Each
   * item's answer is its own (the envelope is 200 even when items fail): the renewed subscription, or
   * its typed failure (NotFound: Graph no longer has it). Throttled items (429/503) are re-sent
   * after the longest Retry-After among them when that is short, else handed back as Throttled.
   *
   * The per-mailbox limiter is not used: a subscription write goes to Graph's subscription service,
   * which limits writes per app and tenant (hence the spacing), not to the watched mailbox, whose
   * budget of 4 concurrent requests counts calls on its data (graph-notes §6.1); and each item of a
   * batch watches a different room.
   */
  async renewSubscriptionsBatched(
    renewals: readonly SubscriptionRenewal[],
  ): Promise<Map<string, GraphSubscription | SideError>> {
    const outcomes = new Map<string, GraphSubscription | SideError>();
    for (let start = 0; start < renewals.length; start += BATCH_LIMIT) {
      let pending = renewals.slice(start, start + BATCH_LIMIT);
      for (let round = 0; pending.length > 0; round += 1) {
        const wait = this.nextSubscriptionBatchAt - Date.now();
        if (wait > 0) await sleep(wait);
        this.nextSubscriptionBatchAt = Date.now() + pending.length * this.subscriptionWriteSpacingMs;
        const answers = await this.sendRenewalBatch(pending);
        const throttled: SubscriptionRenewal[] = [];
        let longestWait = 0;
        pending.forEach((renewal, index) => {
          const answer = answers instanceof SideError ? answers : answers.get(String(index));
          const outcome =
            answer ??
            failureOf(0, 'NoAnswer', `renew subscription of ${renewal.mailbox}: no answer in the batch`);
          if (
            outcome instanceof Throttled &&
            round < BATCH_RETRY_ROUNDS &&
            outcome.retryAfterMs !== undefined &&
            outcome.retryAfterMs <= this.maxInPlaceWaitMs
          ) {
            throttled.push(renewal);
            longestWait = Math.max(longestWait, outcome.retryAfterMs);
          }
          outcomes.set(renewal.id, outcome);
        });
        if (throttled.length > 0) await sleep(longestWait);
        pending = throttled;
      }
    }
    return outcomes;
  }

  /** One `$batch` of renewals: each answer by its index, or one failure for all when the envelope failed. */
  private async sendRenewalBatch(
    renewals: readonly SubscriptionRenewal[],
  ): Promise<Map<string, GraphSubscription | SideError> | SideError> {
    let envelope: { responses?: BatchAnswer[] };
    try {
      envelope = (await this.client.api('/$batch').post({
        requests: renewals.map((renewal, index) => ({
          id: String(index),
          method: 'PATCH',
          url: `/subscriptions/${encodeURIComponent(renewal.id)}`,
          headers: { 'Content-Type': 'application/json', Prefer: 'IdType="ImmutableId"' },
          body: { expirationDateTime: renewal.expirationDateTime.toISOString() },
        })),
      })) as { responses?: BatchAnswer[] };
    } catch (err) {
      const failure = graphFailure(err, `renew ${String(renewals.length)} subscriptions in a batch`);
      if (failure instanceof SideError) return failure;
      throw failure;
    }
    const answers = new Map<string, GraphSubscription | SideError>();
    for (const answer of envelope.responses ?? []) {
      const renewal = renewals[Number(answer.id)];
      if (!renewal) continue;
      if (answer.status >= 200 && answer.status < 300) {
        answers.set(answer.id, answer.body as GraphSubscription);
        continue;
      }
      const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
      const code = error?.code || String(answer.status);
      const retryAfter = Object.entries(answer.headers ?? {}).find(
        ([name]) => name.toLowerCase() === 'retry-after',
      )?.[1];
      answers.set(
        answer.id,
        failureOf(
          answer.status,
          code,
          `renew subscription of ${renewal.mailbox}: ${String(answer.status)} ${code}: ${error?.message ?? ''}`,
          retryAfter,
        ),
      );
    }
    return answers;
  }

  async reauthorizeSubscription(mailbox: string, id: string): Promise<void> {
    await this.call(
      mailbox,
      `reauthorize subscription of ${mailbox}`,
      () => this.request(`/subscriptions/${encodeURIComponent(id)}/reauthorize`).post({}) as Promise<unknown>,
    );
  }

  async deleteSubscription(mailbox: string, id: string): Promise<void> {
    try {
      await this.call(
        mailbox,
        `unsubscribe from ${mailbox}`,
        () => this.request(`/subscriptions/${encodeURIComponent(id)}`).delete() as Promise<unknown>,
      );
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
