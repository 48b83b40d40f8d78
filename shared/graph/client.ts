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
import type { z } from 'zod';
import { UnexpectedAnswer } from '../errors';
import { CallMetricsHandler } from './call-metrics';
import { graphFailure } from './errors';
import { graphEventPageSchema, parseGraphEvent, type GraphEvent } from './event';
import { MailboxLimiter } from './mailbox-limiter';

export interface GraphClientOptions {
  credential: TokenCredential;
  /** `https://graph.microsoft.com` by default; the emulator's address in development. */
  baseUrl?: string;
  /**
   * A 429 or 503 whose Retry-After is at most this long is waited out in place (a few tries); a longer
   * one fails at once with Throttled so the queue message comes back after it, not a worker waiting.
   */
  maxInPlaceWaitMs?: number;
  maxConcurrentPerMailbox?: number;
}

/** One page of a paged answer: its events, and where the next page or the delta round's end is. */
export interface EventPage {
  events: GraphEvent[];
  nextLink: string | undefined;
  deltaLink: string | undefined;
}

/**
 * Graph on the official SDK client, as every resource module uses it: immutable ids on every call, at
 * most four requests in flight per mailbox, short throttling waited out and long throttling handed back,
 * every failure typed (errors.ts) and every answer validated (zod) before anyone reads it.
 */
export class GraphClient {
  readonly sdk: Client;
  readonly maxInPlaceWaitMs: number;
  private readonly limiter: MailboxLimiter;

  constructor(options: GraphClientOptions) {
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
    const counted = new CallMetricsHandler();
    auth.setNext(retry);
    retry.setNext(redirect);
    redirect.setNext(telemetry);
    telemetry.setNext(counted);
    counted.setNext(new HTTPMessageHandler());
    this.sdk = Client.initWithMiddleware({
      baseUrl,
      defaultVersion: 'v1.0',
      middleware: auth,
      // The SDK adds the bearer token only for hosts it knows as Graph's.
      customHosts: new Set([new URL(baseUrl).hostname]),
    });
    this.limiter = new MailboxLimiter(options.maxConcurrentPerMailbox ?? 4);
    this.maxInPlaceWaitMs = maxWait;
  }

  /** A request with immutable ids asked for (design §4). */
  request(path: string): GraphRequest {
    return this.sdk.api(path).header('Prefer', 'IdType="ImmutableId"');
  }

  /** A call on a mailbox's data, under its concurrency budget, with its failure typed. */
  async call(mailbox: string, what: string, work: () => Promise<unknown>): Promise<unknown> {
    try {
      return await this.limiter.run(mailbox, work);
    } catch (err) {
      throw graphFailure(err, what);
    }
  }

  /** A call whose answer must match `schema`. */
  async typed<T>(
    mailbox: string,
    what: string,
    schema: z.ZodType<T>,
    work: () => Promise<unknown>,
  ): Promise<T> {
    return parseAnswer(schema, await this.call(mailbox, what, work), what);
  }

  /** A call answering one event. */
  async event(mailbox: string, what: string, work: () => Promise<unknown>): Promise<GraphEvent> {
    return parseGraphEvent(await this.call(mailbox, what, work), what);
  }

  /** One page of events from `url` (a first page or a nextLink), with `prefer` as the Prefer header. */
  async page(
    mailbox: string,
    what: string,
    url: string,
    prefer = 'IdType="ImmutableId"',
  ): Promise<EventPage> {
    const page = await this.typed(mailbox, what, graphEventPageSchema, () =>
      this.sdk.api(url).header('Prefer', prefer).get(),
    );
    return {
      events: page.value.map((item) => parseGraphEvent(item, what)),
      nextLink: page['@odata.nextLink'] ?? undefined,
      deltaLink: page['@odata.deltaLink'] ?? undefined,
    };
  }

  /** Every page from `first` on, following nextLinks. */
  async *pages(mailbox: string, what: string, first: string): AsyncGenerator<GraphEvent[]> {
    let next: string | undefined = first;
    while (next) {
      const page = await this.page(mailbox, what, next);
      yield page.events;
      next = page.nextLink;
    }
  }

  /** Every event from `first` on, following nextLinks. */
  async all(mailbox: string, what: string, first: string): Promise<GraphEvent[]> {
    const events: GraphEvent[] = [];
    for await (const page of this.pages(mailbox, what, first)) events.push(...page);
    return events;
  }
}

/** `/users/{mailbox}`, the mailbox encoded. */
export function usersPath(mailbox: string): string {
  return `/users/${encodeURIComponent(mailbox)}`;
}

/** `value` as `schema` says, or UnexpectedAnswer naming the first field that is not. */
export function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = (issue?.path ?? []).map(String).join('.') || '(answer)';
  throw new UnexpectedAnswer(
    'exchange',
    200,
    'UnexpectedAnswer',
    `${what}: ${where}: ${issue?.message ?? 'not as Graph documents it'}`,
  );
}
