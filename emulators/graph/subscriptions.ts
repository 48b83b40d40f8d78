import { randomUUID } from './entropy';
import type { Directory, DirectoryUser } from './directory';
import { GraphError, badRequest } from './errors';
import type { EventStore, ChangeType } from './events';
import type { RequestGate } from './faults';
import { encodeId, type IdType } from './ids';
import { readPreferences } from './prefer';
import type { Reply, RequestContext, Router } from './router';

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

interface Subscription {
  id: string;
  mailbox: DirectoryUser;
  resource: string;
  changeTypes: Set<ChangeType>;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationDateTime: Date;
  idType: IdType;
  latestSupportedTlsVersion: string;
  /** After reauthorizationRequired, deliveries pause (and are lost) until the app reauthorizes or renews. */
  paused: boolean;
}

export interface SubscriptionOptions {
  tenantId: string;
  applicationId: string;
  /** Longest lifetime Graph grants an Outlook event subscription without resource data. */
  maxLifetimeMinutes: number;
  /** Wait this long to gather several notifications for one URL into one POST. */
  batchWindowMs: number;
  /** Delays before each redelivery of a failed POST; after the last, the notifications are dropped. */
  retryDelaysMs: readonly number[];
  /** Draws for the notification faults (drop, duplicate); the request gate's stream when absent. */
  random?: () => number;
}

export const DEFAULT_SUBSCRIPTION_OPTIONS: Omit<SubscriptionOptions, 'tenantId' | 'applicationId'> = {
  // The limit the Graph docs gave for years (4,230 min); today's docs say 10,080. The stricter one
  // catches a client that asks for more than it may get.
  maxLifetimeMinutes: 4230,
  batchWindowMs: 50,
  retryDelaysMs: [1000, 5000, 15_000, 60_000],
};

const MIN_LIFETIME_MINUTES = 45;
const VALIDATION_TIMEOUT_MS = 10_000;
const DELIVERY_TIMEOUT_MS = 3000;

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function checkNotificationUrl(value: unknown, property: string): string {
  if (typeof value !== 'string' || !URL.canParse(value))
    throw badRequest(`${property} is not a valid URL.`, 'ValidationError');
  const url = new URL(value);
  // Graph only calls HTTPS endpoints; plain HTTP is allowed for loopback so the local Functions host can
  // receive (see README, "Known differences").
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw badRequest(
      `Subscription validation request failed. ${property} must be an https URL.`,
      'ValidationError',
    );
  }
  return value;
}

/** `users/{id}/events` (documented) or `users/{id}/calendar/events` (works in practice), with or without a leading slash. */
function mailboxOfResource(resource: string, directory: Directory): DirectoryUser {
  const match = /^\/?(?:users\/([^/]+)|me)\/(?:calendar\/)?events$/i.exec(resource.trim());
  if (!match?.[1]) {
    throw badRequest(
      `Resource '${resource}' is not supported by the emulator; use users/{id}/events.`,
      'InvalidRequest',
    );
  }
  const mailbox = directory.find(decodeURIComponent(match[1]));
  if (!mailbox) {
    throw new GraphError(
      404,
      'ExtensionError',
      `Operation: Create; Exception: [Status Code: NotFound; Reason: The requested user '${match[1]}' is invalid.]`,
    );
  }
  return mailbox;
}

function validationToken(): string {
  // Real tokens are free text with spaces and colons, so an endpoint that echoes the token still
  // URL-encoded fails here as it would against Graph.
  return `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
}

/** Graph's validation handshake: 200, text/plain, the decoded token verbatim, within 10 s. */
async function validateEndpoint(url: string): Promise<boolean> {
  const token = validationToken();
  const target = new URL(url);
  target.searchParams.set('validationToken', token);
  try {
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      signal: AbortSignal.timeout(VALIDATION_TIMEOUT_MS),
    });
    const body = await res.text();
    return (
      res.status === 200 &&
      (res.headers.get('content-type') ?? '').toLowerCase().startsWith('text/plain') &&
      body === token
    );
  } catch {
    return false;
  }
}

interface Pending {
  url: string;
  items: Record<string, unknown>[];
  timer: NodeJS.Timeout;
}

export class SubscriptionService {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly pending = new Map<string, Pending>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;

  constructor(
    private readonly directory: Directory,
    events: EventStore,
    private readonly gate: RequestGate,
    private readonly options: SubscriptionOptions,
  ) {
    this.random = options.random ?? gate.random;
    events.onChange(({ changeType, mailbox, event }) => {
      this.notify(mailbox, changeType, event.key, changeType === 'deleted' ? undefined : event.changeKey);
      // Exchange follows a create with an update notification for the same item (see graph-notes §7.1).
      if (changeType === 'created') this.notify(mailbox, 'updated', event.key, event.changeKey);
    });
  }

  private live(): Subscription[] {
    const now = Date.now();
    for (const [id, subscription] of this.subscriptions) {
      if (subscription.expirationDateTime.getTime() <= now) this.subscriptions.delete(id);
    }
    return [...this.subscriptions.values()];
  }

  private find(id: string): Subscription {
    // A lookup by id, not a scan: the renewal benchmark holds 10,000 subscriptions.
    let subscription = this.subscriptions.get(id);
    if (subscription && subscription.expirationDateTime.getTime() <= Date.now()) {
      this.subscriptions.delete(id);
      subscription = undefined;
    }
    if (!subscription) throw new GraphError(404, 'ResourceNotFound', `The object was not found.`);
    return subscription;
  }

  private expiration(value: unknown, verb: 'Create' | 'Update'): Date {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw badRequest('expirationDateTime is required and must be a date-time.', 'ValidationError');
    }
    const requested = new Date(value);
    const now = Date.now();
    if (requested.getTime() > now + this.options.maxLifetimeMinutes * 60_000) {
      throw new GraphError(
        400,
        'ExtensionError',
        `Operation: ${verb}; Exception: [Status Code: BadRequest; Reason: Subscription expiration can only be ${this.options.maxLifetimeMinutes} minutes in the future.]`,
      );
    }
    // Graph raises a lifetime shorter than 45 minutes to 45 minutes.
    return new Date(Math.max(requested.getTime(), now + MIN_LIFETIME_MINUTES * 60_000));
  }

  private render(subscription: Subscription): Record<string, unknown> {
    return {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity',
      id: subscription.id,
      resource: subscription.resource,
      applicationId: this.options.applicationId,
      changeType: [...subscription.changeTypes].join(','),
      clientState: subscription.clientState,
      notificationUrl: subscription.notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
      expirationDateTime: subscription.expirationDateTime.toISOString(),
      creatorId: this.options.applicationId,
      includeResourceData: false,
      latestSupportedTlsVersion: subscription.latestSupportedTlsVersion,
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
    };
  }

  async create(ctx: RequestContext): Promise<Reply> {
    const body = ctx.json();
    if (typeof body !== 'object' || body === null)
      throw badRequest('A subscription object is required.', 'InvalidRequest');
    const input = body as Record<string, unknown>;
    if (input.includeResourceData === true)
      throw badRequest('includeResourceData is not supported by the emulator.', 'NotSupported');
    const changeTypes = new Set(
      (typeof input.changeType === 'string' ? input.changeType : '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    );
    if (
      changeTypes.size === 0 ||
      [...changeTypes].some((t) => !['created', 'updated', 'deleted'].includes(t))
    ) {
      throw badRequest(
        "changeType must be a comma-separated list of 'created', 'updated' and 'deleted'.",
        'ValidationError',
      );
    }
    const rawClientState = input.clientState ?? null;
    if (rawClientState !== null && typeof rawClientState !== 'string') {
      throw badRequest('clientState must be a string.', 'ValidationError');
    }
    const clientState = rawClientState;
    if (clientState !== null && clientState.length > 128)
      throw badRequest('clientState must be at most 128 characters.', 'ValidationError');
    const resource = typeof input.resource === 'string' ? input.resource : '';
    const mailbox = mailboxOfResource(resource, this.directory);
    const notificationUrl = checkNotificationUrl(input.notificationUrl, 'notificationUrl');
    const lifecycleNotificationUrl =
      input.lifecycleNotificationUrl === undefined || input.lifecycleNotificationUrl === null
        ? null
        : checkNotificationUrl(input.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
    const expirationDateTime = this.expiration(input.expirationDateTime, 'Create');

    for (const url of [notificationUrl, lifecycleNotificationUrl]) {
      if (url !== null && !(await validateEndpoint(url))) {
        throw badRequest(
          `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.`,
          'ValidationError',
        );
      }
    }
    const subscription: Subscription = {
      id: randomUUID(),
      mailbox,
      resource,
      changeTypes: changeTypes as Set<ChangeType>,
      notificationUrl,
      lifecycleNotificationUrl,
      clientState,
      expirationDateTime,
      idType: readPreferences(ctx.headers).idType,
      latestSupportedTlsVersion:
        typeof input.latestSupportedTlsVersion === 'string' ? input.latestSupportedTlsVersion : 'v1_2',
      paused: false,
    };
    this.subscriptions.set(subscription.id, subscription);
    return { status: 201, body: this.render(subscription) };
  }

  list(): Reply {
    return {
      status: 200,
      body: {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions',
        value: this.live().map((s) => {
          const { '@odata.context': _context, ...rest } = this.render(s);
          return rest;
        }),
      },
    };
  }

  get(id: string): Reply {
    return { status: 200, body: this.render(this.find(id)) };
  }

  update(id: string, body: unknown): Reply {
    const subscription = this.find(id);
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (input.expirationDateTime !== undefined)
      subscription.expirationDateTime = this.expiration(input.expirationDateTime, 'Update');
    if (input.notificationUrl !== undefined)
      subscription.notificationUrl = checkNotificationUrl(input.notificationUrl, 'notificationUrl');
    if (input.lifecycleNotificationUrl !== undefined) {
      throw badRequest(
        'lifecycleNotificationUrl can only be set when the subscription is created.',
        'ValidationError',
      );
    }
    // Renewing also reauthorizes.
    subscription.paused = false;
    return { status: 200, body: this.render(subscription) };
  }

  reauthorize(id: string): Reply {
    this.find(id).paused = false;
    return { status: 204 };
  }

  delete(id: string): Reply {
    this.find(id);
    this.subscriptions.delete(id);
    return { status: 204 };
  }

  /** Sends a lifecycle event, as Graph would, to the subscription's lifecycleNotificationUrl. */
  lifecycle(id: string, event: LifecycleEvent): Reply {
    const subscription = this.find(id);
    if (!subscription.lifecycleNotificationUrl) {
      throw badRequest(
        'The subscription has no lifecycleNotificationUrl, so Graph would not send lifecycle events.',
        'ValidationError',
      );
    }
    if (event === 'reauthorizationRequired') subscription.paused = true;
    if (event === 'subscriptionRemoved') this.subscriptions.delete(id);
    this.enqueue(subscription.lifecycleNotificationUrl, {
      subscriptionId: subscription.id,
      subscriptionExpirationDateTime: subscription.expirationDateTime.toISOString(),
      tenantId: this.options.tenantId,
      clientState: subscription.clientState,
      lifecycleEvent: event,
    });
    return { status: 202 };
  }

  private notify(
    mailbox: DirectoryUser,
    changeType: ChangeType,
    key: string,
    changeKey: string | undefined,
  ): void {
    for (const subscription of this.live()) {
      if (
        subscription.mailbox.id !== mailbox.id ||
        !subscription.changeTypes.has(changeType) ||
        subscription.paused
      )
        continue;
      const id = encodeId(key, subscription.idType);
      const resource = `Users/${mailbox.id}/Events/${id}`;
      this.enqueue(subscription.notificationUrl, {
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: subscription.expirationDateTime.toISOString(),
        changeType,
        resource,
        resourceData: {
          '@odata.type': '#Microsoft.Graph.Event',
          '@odata.id': resource,
          ...(changeKey ? { '@odata.etag': `W/"${changeKey}"` } : {}),
          id,
        },
        clientState: subscription.clientState,
        tenantId: this.options.tenantId,
      });
    }
  }

  private enqueue(url: string, item: Record<string, unknown>): void {
    const existing = this.pending.get(url);
    if (existing) {
      existing.items.push(item);
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(url);
      this.timers.delete(timer);
      this.send(url, entry.items);
    }, this.options.batchWindowMs);
    const entry: Pending = { url, items: [item], timer };
    this.pending.set(url, entry);
    this.timers.add(timer);
  }

  /** First delivery of a batch, shaped by the injected notification faults. */
  private send(url: string, gathered: Record<string, unknown>[]): void {
    const faults = this.gate.faults.notifications;
    let items = gathered.filter(() => {
      const kept = this.random() >= faults.drop;
      if (!kept) this.gate.count('notification:dropped');
      return kept;
    });
    items = items.flatMap((item) => {
      if (this.random() >= faults.duplicate) return [item];
      this.gate.count('notification:duplicated');
      return Array<typeof item>(faults.copies).fill(item);
    });
    if (faults.reorder && items.length > 1) this.gate.count('notification:reordered');
    if (faults.reorder) items.reverse();
    if (items.length === 0) return;
    if (faults.delayMs === 0) {
      this.track(this.deliver(url, items, 0));
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.deliver(url, items, 0));
    }, faults.delayMs);
    this.timers.add(timer);
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(url: string, items: Record<string, unknown>[], attempt: number): Promise<void> {
    let ok: boolean;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ value: items }),
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await res.arrayBuffer();
      ok = res.status >= 200 && res.status < 300;
    } catch {
      ok = false;
    }
    if (ok) return;
    const delay = this.options.retryDelaysMs[attempt];
    if (delay === undefined) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.deliver(url, items, attempt + 1));
    }, delay);
    this.timers.add(timer);
  }

  /** Delivers what is gathered now (tests call this instead of waiting for the batch window). */
  async flush(): Promise<void> {
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      this.timers.delete(entry.timer);
      this.send(entry.url, entry.items);
    }
    this.pending.clear();
    await Promise.all(this.inFlight);
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
    this.subscriptions.clear();
  }
}

export function registerSubscriptionRoutes(router: Router, service: SubscriptionService): void {
  router
    .add('POST', '/subscriptions', (ctx) => service.create(ctx))
    .add('GET', '/subscriptions', () => service.list())
    .add('GET', '/subscriptions/{id}', (ctx) => service.get(ctx.params.id ?? ''))
    .add('PATCH', '/subscriptions/{id}', (ctx) => service.update(ctx.params.id ?? '', ctx.json()))
    .add('DELETE', '/subscriptions/{id}', (ctx) => service.delete(ctx.params.id ?? ''))
    .add('POST', '/subscriptions/{id}/reauthorize', (ctx) => service.reauthorize(ctx.params.id ?? ''));
}
