import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { z } from 'zod';
import type { AddressInfo } from 'node:net';
import { TokenIssuer } from './auth';
import { apiHandlers } from './api';
import { loadContract } from './contract';
import { controlRouter } from './control';
import { ApiError } from './errors';
import { FaultGate, faultsSchema } from './faults';
import type { Room } from './model';
import type { Handler, Reply, RequestContext } from './router';
import { Store } from './store';
import { WebhookDispatcher, type Receiver, type WebhookOptions, type WebhookStats } from './webhooks';

export interface WorkplaceEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The installation's static API key, accepted as a bearer token. */
  apiKey?: string;
  tokenLifetimeSeconds?: number;
  webhooks?: WebhookOptions;
  /** Source of randomness for fault rates (tests pass a fixed one). */
  random?: () => number;
}

export interface WorkplaceStats {
  total: number;
  byRoute: Record<string, number>;
  webhooks: WebhookStats;
}

export interface WorkplaceEmulator {
  url: string;
  port: number;
  store: Store;
  addRoom(room: Room): void;
  addWebhook(receiver: Receiver): void;
  setFaults(faults: z.input<typeof faultsSchema>): void;
  /** Faults injected so far, by kind (request errors by status, `timeout`). */
  injected(): Record<string, number>;
  stats(): WorkplaceStats;
  /** Resolves once every webhook delivery under way has been answered or dropped. */
  settle(): Promise<void>;
  reset(): void;
  stop(): Promise<void>;
}

export const DEFAULT_API_KEY = 'workplace-dev-key';

export async function startWorkplaceEmulator(
  options: WorkplaceEmulatorOptions = {},
): Promise<WorkplaceEmulator> {
  const host = options.host ?? '127.0.0.1';
  const random = options.random ?? Math.random;
  const contract = loadContract();
  const tokens = new TokenIssuer(options.apiKey ?? DEFAULT_API_KEY, options.tokenLifetimeSeconds ?? 3600);
  const gate = new FaultGate(random);
  const webhooks = new WebhookDispatcher(() => gate.faults.webhooks, options.webhooks, random);
  const store = new Store((type, reservation) => webhooks.publish(type, reservation.id, reservation.version));
  const handlers = apiHandlers(store, tokens);
  let counts = { total: 0, byRoute: {} as Record<string, number> };
  const stats = (): WorkplaceStats => ({ ...structuredClone(counts), webhooks: { ...webhooks.stats } });
  const reset = (): void => {
    store.reset();
    tokens.reset();
    gate.reset();
    webhooks.reset();
    counts = { total: 0, byRoute: {} };
  };
  const control = controlRouter({ store, webhooks, faults: gate, stats, reset });

  /** Handles one request; `drop` tells the caller to destroy the connection instead of answering. */
  async function handle(
    req: IncomingMessage,
    url: URL,
    rawBody: Buffer,
  ): Promise<Reply & { drop?: boolean }> {
    const method = (req.method ?? 'GET').toUpperCase();
    const ctx: RequestContext = {
      method,
      url,
      params: {},
      headers: req.headers,
      rawBody,
      body: undefined,
      query: {},
    };
    if (url.pathname.startsWith('/_emulator/')) {
      const found = control.match(method, url.pathname);
      if (found === 'method') throw notAllowed(method, url.pathname, control.allowed(url.pathname));
      if (!found)
        throw new ApiError(404, 'not_found', `No emulator control route ${method} ${url.pathname}.`);
      return found.value({ ...ctx, params: found.params });
    }
    const found = contract.match(method, url.pathname);
    if (found === 'method') throw notAllowed(method, url.pathname, contract.allowed(url.pathname));
    if (!found) throw new ApiError(404, 'not_found', `No route ${url.pathname}.`);
    const route = `${method} ${found.template}`;
    const handler: Handler | undefined = handlers[route];
    if (!handler) throw new ApiError(500, 'internal_error', `The emulator does not implement ${route}.`);
    counts.total += 1;
    counts.byRoute[route] = (counts.byRoute[route] ?? 0) + 1;
    if (gate.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, gate.faults.latencyMs));
    gate.injectError(route);
    if (found.value.authenticated) tokens.check(req.headers.authorization);
    const checked = found.value.check({
      query: url.searchParams,
      headers: req.headers,
      contentType: req.headers['content-type'],
      rawBody,
    });
    const reply = await handler({ ...ctx, params: found.params, ...checked });
    return gate.dropResponse(route) ? { ...reply, drop: true } : reply;
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        let reply: Reply & { drop?: boolean };
        try {
          reply = await handle(req, new URL(req.url ?? '/', `http://${host}`), Buffer.concat(chunks));
        } catch (err) {
          const error =
            err instanceof ApiError
              ? err
              : new ApiError(
                  500,
                  'internal_error',
                  `The emulator failed: ${err instanceof Error ? err.message : String(err)}`,
                );
          reply = { status: error.status, headers: error.headers, body: error.body() };
        }
        if (reply.drop === true) {
          res.destroy();
          return;
        }
        if (reply.body === undefined) res.writeHead(reply.status, reply.headers).end();
        else
          res
            .writeHead(reply.status, { ...reply.headers, 'content-type': 'application/json' })
            .end(JSON.stringify(reply.body));
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    store,
    addRoom: (room) => store.rooms.set(room.id, room),
    addWebhook: (receiver) => webhooks.add(receiver),
    setFaults: (faults) => gate.set(faultsSchema.parse(faults)),
    injected: () => ({ ...gate.injected }),
    stats,
    settle: () => webhooks.settle(),
    reset,
    stop: () =>
      new Promise<void>((resolve) => {
        webhooks.reset();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function notAllowed(method: string, path: string, allowed: string[]): ApiError {
  return new ApiError(405, 'method_not_allowed', `${method} is not allowed on ${path}.`, undefined, {
    Allow: allowed.join(', '),
  });
}
