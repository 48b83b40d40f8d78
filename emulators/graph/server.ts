import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { OAuthError, TokenIssuer } from './auth';
import { Directory, roomResource, userResource } from './directory';
import { GraphError, badRequest } from './errors';
import { EventStore, registerEventRoutes } from './events';
import { Router, type Reply, type RequestContext } from './router';
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
}

export interface GraphEmulator {
  /** Base URL, e.g. https://127.0.0.1:4010 ; Graph lives under /v1.0, the token endpoint under /{tenant}. */
  url: string;
  port: number;
  directory: Directory;
  events: EventStore;
  subscriptions: SubscriptionService;
  tenantId: string;
  stats(): Stats;
  reset(): void;
  stop(): Promise<void>;
}

export interface Stats {
  total: number;
  byRoute: Record<string, number>;
  byMailbox: Record<string, number>;
}

const CERT_DIR = path.join(__dirname, '..', 'certs');
const GRAPH_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

const newUser = z.object({
  email: z.email(),
  displayName: z.string().min(1),
  kind: z.enum(['person', 'room']),
  room: z
    .object({
      deleteSubject: z.boolean(),
      addOrganizerToSubject: z.boolean(),
      bookingWindowInDays: z.number().int().min(1).max(1080),
      allowConflicts: z.boolean(),
    })
    .partial()
    .optional(),
});

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
  const tenantId = options.subscriptions?.tenantId ?? randomUUID();
  const subscriptions = new SubscriptionService(directory, events, {
    ...DEFAULT_SUBSCRIPTION_OPTIONS,
    tenantId,
    applicationId: randomUUID(),
    ...options.subscriptions,
  });
  let stats: Stats = { total: 0, byRoute: {}, byMailbox: {} };

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
  registerEventRoutes(graph, directory, events);
  registerSubscriptionRoutes(graph, subscriptions);

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
    .add('GET', '/_emulator/stats', () => ({ status: 200, body: stats }))
    .add('POST', '/_emulator/subscriptions/{id}/lifecycle', (ctx) =>
      subscriptions.lifecycle(ctx.params.id ?? '', parse(lifecycleRequest, ctx.json()).event),
    );

  function reset(): void {
    directory.clear();
    tokens.clear();
    events.clear();
    subscriptions.clear();
    stats = { total: 0, byRoute: {}, byMailbox: {} };
  }

  function count(method: string, routePath: string, params: Record<string, string>): void {
    stats.total += 1;
    // Counted by route shape, so `/users/a/events/1` and `/users/b/events/2` add up together.
    const shape = `${method} ${routePath.replace(/\/users\/[^/]+/i, '/users/{user}').replace(/\/events\/[^/]+/i, '/events/{id}')}`;
    stats.byRoute[shape] = (stats.byRoute[shape] ?? 0) + 1;
    const mailbox = params.user
      ? (directory.find(params.user)?.email ?? params.user.toLowerCase())
      : undefined;
    if (mailbox) stats.byMailbox[mailbox] = (stats.byMailbox[mailbox] ?? 0) + 1;
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
    if (pathname.toLowerCase().startsWith('/_emulator/')) {
      const found = control.match(ctx.method, pathname);
      if (!found)
        throw new GraphError(404, 'NotFound', `No emulator control route ${ctx.method} ${pathname}`);
      if (found === 'method')
        throw new GraphError(405, 'MethodNotAllowed', `${ctx.method} is not allowed on ${pathname}`);
      return found.handler({ ...ctx, params: found.params });
    }
    const version = /^\/v1\.0(\/.*)$/i.exec(pathname);
    if (!version?.[1]) {
      throw new GraphError(400, 'BadRequest', `Invalid version: ${pathname.split('/')[1] ?? ''}`);
    }
    tokens.check(ctx.headers.authorization);
    const found = graph.match(ctx.method, version[1]);
    if (!found)
      throw new GraphError(
        400,
        'BadRequest',
        `Resource not found for the segment '${version[1].split('/').filter(Boolean).pop() ?? ''}'.`,
      );
    if (found === 'method')
      throw new GraphError(
        405,
        'Request_BadRequest',
        `Specified HTTP method is not allowed for the request target.`,
      );
    count(ctx.method, version[1], found.params);
    return found.handler({ ...ctx, params: found.params });
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
        const rawBody = Buffer.concat(chunks);
        const ctx: RequestContext = {
          method: (req.method ?? 'GET').toUpperCase(),
          url: new URL(req.url ?? '/', `https://${req.headers.host ?? host}`),
          params: {},
          headers: req.headers,
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
                    'The emulator failed: ' + (err instanceof Error ? err.message : String(err)),
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
          const headers: Record<string, string> = { 'request-id': requestId, ...reply.headers };
          const clientRequestId = req.headers['client-request-id'];
          if (typeof clientRequestId === 'string') headers['client-request-id'] = clientRequestId;
          if (reply.body === undefined) {
            res.writeHead(reply.status, headers).end();
          } else {
            res
              .writeHead(reply.status, { ...headers, 'content-type': GRAPH_CONTENT_TYPE })
              .end(JSON.stringify(reply.body));
          }
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
    tenantId,
    stats: () => structuredClone(stats),
    reset,
    stop: () =>
      new Promise<void>((resolve) => {
        subscriptions.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
