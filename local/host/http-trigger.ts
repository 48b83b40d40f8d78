import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpRequest, HttpResponse } from '@azure/functions';
import type { HostLogger } from './logger';
import type { HttpFunction } from './function-app';
import type { Invoker } from './invoke';
import { compileRoute, type RouteMatcher } from './routes';

export interface HostKeys {
  /** Accepted for `authLevel: 'function'`. */
  functionKey: string;
  /** Accepted for every auth level; the only key for `authLevel: 'admin'`. */
  masterKey: string;
}

/** Azure's request size limit for HTTP triggers. */
const MAX_BODY_BYTES = 100 * 1024 * 1024;

function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the key.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The master key alone (the host's admin API). */
export function isMasterKey(key: string | undefined, keys: HostKeys): boolean {
  return isAuthorized('admin', key, keys);
}

export function isAuthorized(
  authLevel: HttpFunction['authLevel'],
  key: string | undefined,
  keys: HostKeys,
): boolean {
  if (authLevel === 'anonymous') return true;
  if (key === undefined || key === '') return false;
  const master = sameSecret(key, keys.masterKey);
  return authLevel === 'admin' ? master : sameSecret(key, keys.functionKey) || master;
}

interface Route {
  fn: HttpFunction;
  match: RouteMatcher;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function writeResponse(res: ServerResponse, result: unknown): Promise<void> {
  const response = result instanceof HttpResponse ? result : new HttpResponse(result ?? {});
  const body = Buffer.from(await response.arrayBuffer());
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  const cookies = response.cookies.map(
    (c) =>
      `${c.name}=${c.value}` +
      (c.path ? `; Path=${c.path}` : '') +
      (c.domain ? `; Domain=${c.domain}` : '') +
      (c.maxAge !== undefined ? `; Max-Age=${c.maxAge}` : '') +
      (c.expires ? `; Expires=${new Date(c.expires).toUTCString()}` : '') +
      (c.secure ? '; Secure' : '') +
      (c.httpOnly ? '; HttpOnly' : '') +
      (c.sameSite ? `; SameSite=${c.sameSite}` : ''),
  );
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.setHeader('content-length', body.length);
  res.end(body);
}

function reply(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.setHeader('content-length', 0);
  res.end();
}

/**
 * Serves HTTP-triggered functions like the Functions host: `/<routePrefix>/<route>`, methods as
 * registered (anything else is 404, as in Azure), keys from `x-functions-key` or `?code=` (401 when
 * missing or wrong), 500 with an empty body when the handler throws.
 */
export function createHttpTriggerListener(options: {
  functions: readonly HttpFunction[];
  routePrefix: string;
  keys: HostKeys;
  invoker: Invoker;
  logger: HostLogger;
}): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const routes: Route[] = options.functions.map((fn) => ({ fn, match: compileRoute(fn.route) }));
  const prefix = options.routePrefix === '' ? '' : `/${options.routePrefix.toLowerCase()}`;

  return async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const lowerPath = url.pathname.toLowerCase();
    if (prefix !== '' && lowerPath !== prefix && !lowerPath.startsWith(`${prefix}/`)) {
      reply(res, 404);
      return;
    }
    const routePath = url.pathname.slice(prefix.length);

    let found: { fn: HttpFunction; params: Record<string, string> } | undefined;
    for (const route of routes) {
      if (!route.fn.methods.includes(method)) continue;
      const params = route.match(routePath);
      if (params) {
        found = { fn: route.fn, params };
        break;
      }
    }
    if (!found) {
      reply(res, 404);
      return;
    }

    const key = req.headers['x-functions-key'] ?? url.searchParams.get('code') ?? undefined;
    if (!isAuthorized(found.fn.authLevel, Array.isArray(key) ? key[0] : key, options.keys)) {
      reply(res, 401);
      return;
    }

    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        reply(res, 413);
        return;
      }
      throw err;
    }
    const request = new HttpRequest({
      method,
      url: url.toString(),
      headers: flattenHeaders(req),
      query: Object.fromEntries(url.searchParams),
      params: found.params,
      ...(body.length > 0 && method !== 'GET' && method !== 'HEAD' ? { body: { bytes: body } } : {}),
    });
    try {
      const result = await options.invoker.invoke(found.fn, request);
      await writeResponse(res, result);
    } catch (err) {
      options.logger.error('HTTP function failed', { function: found.fn.name, error: err });
      if (!res.headersSent) reply(res, 500);
      else res.destroy();
    }
  };
}
