import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { OAuthError, TokenIssuer, openIdConfiguration } from './auth';
import { Directory, calendarResource, roomResource, userResource } from './directory';
import { GraphError, badRequest } from './errors';
import { EventStore, registerEventRoutes } from './events';
import { DEFAULT_MEETING_OPTIONS, MeetingProcessor, type MeetingOptions } from './meetings';
import { runBatch } from './batch';
import { CalendarView, registerCalendarViewRoutes } from './calendar-view';
import { expandForView } from './series';
import { EXCHANGE_LIMITS, RequestGate, faultsSchema, type ThrottleLimits } from './faults';
import { GRAPH_JSON, Router, type Reply, type RequestContext } from './router';
import {
  DEFAULT_SUBSCRIPTION_OPTIONS,
  SubscriptionService,
  registerSubscriptionRoutes,
  type SubscriptionOptions,
} from './subscriptions';

export interface GraphEmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  subscriptions?: Partial<SubscriptionOptions>;
  limits?: Partial<ThrottleLimits>;
  meetings?: Partial<MeetingOptions>;
  /** Source of randomness for fault decisions (tests and the fuzzer pass a seeded one). */
  random?: () => number;
}

export interface GraphEmulator {
  /** Base URL, e.g. https://127.0.0.1:4010 ; Graph lives under /v1.0, the token endpoint under /{tenant}. */
  url: string;
  port: number;
  directory: Directory;
  events: EventStore;
  subscriptions: SubscriptionService;
  meetings: MeetingProcessor;
  calendarView: CalendarView;
  gate: RequestGate;
  tenantId: string;
  stats(): Stats;
  reset(): void;
  stop(): Promise<void>;
}

export interface Stats {
  /** HTTP requests to /v1.0 (a `$batch` is one). */
  total: number;
  /** Graph operations by `METHOD /template`, batched ones included, plus `POST /$batch` itself. */
  byRoute: Record<string, number>;
  /** Graph operations per mailbox e-mail, batched ones included: what Exchange's budgets count. */
  byMailbox: Record<string, number>;
  /** Operations answered 429. */
  throttled: number;
  /**
   * Those 429s by cause: a mailbox's concurrency limit (MailboxConcurrency: the client had more than 4
   * requests in flight there), its request budget for the window, or an injected fault.
   */
  throttledBy: { concurrency: number; requests: number; injected: number };
  /** Concurrency 429s per mailbox e-mail. */
  concurrencyThrottledByMailbox: Record<string, number>;
  /** Most operations admitted at once per mailbox (each holding a slot until answered): never above the limit. */
  peakInFlight: Record<string, number>;
  /**
   * Most operations at a mailbox at once as the clients sent them (the admitted ones plus the one
   * arriving, refused or not): equal to peakInFlight unless a client went over the limit.
   */
  peakAttempted: Record<string, number>;
}

const CERT_DIR = path.join(__dirname, '..', 'certs');

const newUser = z.object({
  email: z.email(),
  displayName: z.string().min(1),
  kind: z.enum(['person', 'room']),
  room: z
    .object({
      deleteSubject: z.boolean(),
      addOrganizerToSubject: z.boolean(),
      bookingWindowInDays: z.number().int().min(1).max(1080),
      enforceSchedulingHorizon: z.boolean(),
      allowConflicts: z.boolean(),
    })
    .partial()
    .optional(),
});

const limitsSchema = z
  .object({
    concurrentPerMailbox: z.number().int().positive(),
    requestsPerWindow: z.number().int().positive(),
    windowMs: z.number().int().positive(),
  })
  .partial();

const expireRequest = z.object({ user: z.string().optional() });

const lifecycleRequest = z.object({
  event: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
    throw badRequest(problems.join('; '), 'BadRequest');
  }
  return result.data;
}

export async function startGraphEmulator(options: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const host = options.host ?? '127.0.0.1';
  const directory = new Directory();
  const tokens = new TokenIssuer();
  const events = new EventStore();
  const meetings = new MeetingProcessor(directory, events, {
    ...DEFAULT_MEETING_OPTIONS,
    ...options.meetings,
  });
  const calendarView = new CalendarView(directory, events, expandForView);
  const gate = new RequestGate({ ...EXCHANGE_LIMITS, ...options.limits }, options.random);
  const tenantId = options.subscriptions?.tenantId ?? randomUUID();
  const subscriptions = new SubscriptionService(directory, events, gate, {
    ...DEFAULT_SUBSCRIPTION_OPTIONS,
    tenantId,
    applicationId: randomUUID(),
    ...options.subscriptions,
  });
  type Counted = Pick<Stats, 'total' | 'byRoute' | 'byMailbox' | 'throttled'>;
  const emptyStats = (): Counted => ({ total: 0, byRoute: {}, byMailbox: {}, throttled: 0 });
  let stats = emptyStats();
  /** The counters above with the request gate's (concurrency and throttling), both cleared by reset(). */
  const currentStats = (): Stats => {
    const gateCounts = gate.concurrency();
    return {
      ...structuredClone(stats),
      throttledBy: {
        concurrency: gateCounts.refused.concurrency,
        requests: gateCounts.refused.requests,
        injected: gate.injected['429'] ?? 0,
      },
      concurrencyThrottledByMailbox: gateCounts.refusedForConcurrency,
      peakInFlight: gateCounts.peakInFlight,
      peakAttempted: gateCounts.peakAttempted,
    };
  };

  const graph = new Router()
    .add('GET', '/users/{user}', ({ params }) => {
      const user = directory.find(params.user ?? '');
      if (!user) {
        throw new GraphError(
          404,
          'Request_ResourceNotFound',
          `Resource '${params.user}' does not exist or one of its queried reference-property objects are not present.`,
        );
      }
      return { status: 200, body: userResource(user) };
    })
    .add('GET', '/users/{user}/calendar', ({ params }) => {
      const user = directory.find(params.user ?? '');
      // What Exchange answers for an address that is no mailbox in the tenant.
      if (!user)
        throw new GraphError(
          404,
          'ErrorInvalidUser',
          `The requested user '${params.user ?? ''}' is invalid.`,
        );
      return { status: 200, body: calendarResource(user) };
    })
    .add('GET', '/places/microsoft.graph.room', () => ({
      status: 200,
      body: {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#places/microsoft.graph.room',
        value: directory
          .all()
          .filter((user) => user.kind === 'room')
          .map(roomResource),
      },
    }));
  registerEventRoutes(graph, directory, events, meetings);
  registerSubscriptionRoutes(graph, subscriptions);
  registerCalendarViewRoutes(graph, calendarView);

  const control = new Router()
    .add('POST', '/_emulator/users', (ctx) => {
      const user = directory.add(parse(newUser, ctx.json()));
      return {
        status: 201,
        body: {
          id: user.id,
          email: user.email,
          displayName: user.displayName,
          kind: user.kind,
          room: user.room,
        },
      };
    })
    .add('POST', '/_emulator/reset', () => {
      reset();
      return { status: 204 };
    })
    .add('GET', '/_emulator/stats', () => ({ status: 200, body: currentStats() }))
    .add('POST', '/_emulator/faults', (ctx) => {
      gate.setFaults(parse(faultsSchema, ctx.json()));
      return { status: 200, body: gate.faults };
    })
    .add('DELETE', '/_emulator/faults', () => {
      gate.setFaults(faultsSchema.parse({}));
      return { status: 204 };
    })
    .add('POST', '/_emulator/limits', (ctx) => {
      gate.limits = { ...gate.limits, ...parse(limitsSchema, ctx.json()) };
      return { status: 200, body: gate.limits };
    })
    .add('POST', '/_emulator/delta/expire', (ctx) => {
      const { user } = parse(expireRequest, ctx.rawBody.length === 0 ? {} : ctx.json());
      return {
        status: 200,
        body: { expired: calendarView.expire(user === undefined ? undefined : directory.mailbox(user)) },
      };
    })
    .add('POST', '/_emulator/subscriptions/{id}/lifecycle', (ctx) =>
      subscriptions.lifecycle(ctx.params.id ?? '', parse(lifecycleRequest, ctx.json()).event),
    );

  function reset(): void {
    directory.clear();
    tokens.clear();
    meetings.clear();
    calendarView.clear();
    events.clear();
    subscriptions.clear();
    gate.reset();
    gate.limits = { ...EXCHANGE_LIMITS, ...options.limits };
    stats = emptyStats();
  }

  function bump(record: Record<string, number>, key: string): void {
    record[key] = (record[key] ?? 0) + 1;
  }

  /** One Graph operation (top-level or inside `$batch`): route, count, throttle, faults, handle. */
  async function graphOperation(ctx: RequestContext, path: string): Promise<Reply> {
    const found = graph.match(ctx.method, path);
    if (!found) {
      throw new GraphError(
        400,
        'BadRequest',
        `Resource not found for the segment '${path.split('/').filter(Boolean).pop() ?? ''}'.`,
      );
    }
    if (found === 'method')
      throw new GraphError(
        405,
        'Request_BadRequest',
        'Specified HTTP method is not allowed for the request target.',
      );
    const route = `${ctx.method} ${found.template}`;
    const mailbox =
      found.params.user === undefined
        ? undefined
        : (directory.find(found.params.user)?.email ?? found.params.user.toLowerCase());
    bump(stats.byRoute, route);
    if (mailbox) bump(stats.byMailbox, mailbox);
    let release: (() => void) | undefined;
    try {
      release = gate.admit(mailbox);
      if (gate.faults.latencyMs > 0)
        await new Promise((resolve) => setTimeout(resolve, gate.faults.latencyMs));
      gate.injectError(route, mailbox);
      const reply = await found.handler({ ...ctx, params: found.params });
      return gate.dropResponse(route, mailbox) ? { ...reply, drop: true } : reply;
    } catch (err) {
      if (err instanceof GraphError && err.status === 429) stats.throttled += 1;
      throw err;
    } finally {
      release?.();
    }
  }

  async function handle(ctx: RequestContext): Promise<Reply> {
    const { pathname } = ctx.url;
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/i.exec(pathname);
    if (token && ctx.method === 'POST') {
      try {
        return {
          status: 200,
          body: tokens.issue(token[1] ?? '', new URLSearchParams(ctx.rawBody.toString('utf8'))),
        };
      } catch (err) {
        if (!(err instanceof OAuthError)) throw err;
        return {
          status: err.status,
          body: {
            error: err.error,
            error_description: err.message,
            error_codes: [],
            timestamp: new Date().toISOString(),
            trace_id: randomUUID(),
            correlation_id: randomUUID(),
          },
        };
      }
    }
    const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i.exec(pathname);
    if (discovery && ctx.method === 'GET') {
      return { status: 200, body: openIdConfiguration(ctx.url.origin, discovery[1] ?? '') };
    }
    if (pathname.toLowerCase().startsWith('/_emulator/')) {
      const found = control.match(ctx.method, pathname);
      if (!found)
        throw new GraphError(404, 'NotFound', `No emulator control route ${ctx.method} ${pathname}`);
      if (found === 'method')
        throw new GraphError(405, 'MethodNotAllowed', `${ctx.method} is not allowed on ${pathname}`);
      return found.handler({ ...ctx, params: found.params });
    }
    const version = /^\/v1\.0(\/.*)$/i.exec(pathname);
    if (!version?.[1])
      throw new GraphError(400, 'BadRequest', `Invalid version: ${pathname.split('/')[1] ?? ''}`);
    tokens.check(ctx.headers.authorization);
    stats.total += 1;
    if (ctx.method === 'POST' && /^\/\$batch\/?$/i.test(version[1])) {
      bump(stats.byRoute, 'POST /$batch');
      return runBatch(ctx.json(), (method, url, headers, rawBody) => {
        const sub = requestContext(
          method,
          new URL(`/v1.0${url}`, ctx.url.origin),
          { ...headers, authorization: ctx.headers.authorization },
          rawBody,
        );
        return graphOperation(sub, sub.url.pathname.slice('/v1.0'.length));
      });
    }
    return graphOperation(ctx, version[1]);
  }

  const server: Server = createServer(
    {
      key: readFileSync(path.join(CERT_DIR, 'localhost.key')),
      cert: readFileSync(path.join(CERT_DIR, 'localhost.pem')),
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const requestId = randomUUID();
        const ctx = requestContext(
          (req.method ?? 'GET').toUpperCase(),
          new URL(req.url ?? '/', `https://${req.headers.host ?? host}`),
          req.headers,
          Buffer.concat(chunks),
        );
        void (async () => {
          let reply: Reply;
          try {
            reply = await handle(ctx);
          } catch (err) {
            const error =
              err instanceof GraphError
                ? err
                : new GraphError(
                    500,
                    'InternalServerError',
                    `The emulator failed: ${err instanceof Error ? err.message : String(err)}`,
                  );
            reply = {
              status: error.status,
              headers: error.headers,
              body: {
                error: {
                  code: error.code,
                  message: error.message,
                  innerError: {
                    date: new Date().toISOString().slice(0, 19),
                    'request-id': requestId,
                    'client-request-id': req.headers['client-request-id'] ?? requestId,
                  },
                },
              },
            };
          }
          if (reply.drop === true) {
            res.destroy();
            return;
          }
          const headers: Record<string, string> = { 'request-id': requestId, ...reply.headers };
          const clientRequestId = req.headers['client-request-id'];
          if (typeof clientRequestId === 'string') headers['client-request-id'] = clientRequestId;
          if (reply.body === undefined) res.writeHead(reply.status, headers).end();
          else
            res
              .writeHead(reply.status, { ...headers, 'content-type': GRAPH_JSON })
              .end(JSON.stringify(reply.body));
        })();
      });
    },
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${host}:${port}`,
    port,
    directory,
    events,
    subscriptions,
    meetings,
    calendarView,
    gate,
    tenantId,
    stats: currentStats,
    reset,
    stop: () =>
      new Promise<void>((resolve) => {
        subscriptions.clear();
        meetings.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function requestContext(
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
): RequestContext {
  return {
    method,
    url,
    params: {},
    headers,
    rawBody,
    json: () => {
      if (rawBody.length === 0) throw badRequest('Empty Payload. JSON content expected.', 'BadRequest');
      try {
        return JSON.parse(rawBody.toString('utf8')) as unknown;
      } catch {
        throw badRequest(
          'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
          'BadRequest',
        );
      }
    },
  };
}
