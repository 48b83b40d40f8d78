import type { IncomingHttpHeaders } from 'node:http';
import { GraphError } from './errors';

/** Graph's JSON content type, on every JSON response (and each `$batch` sub-response). */
export const GRAPH_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export interface RequestContext {
  method: string;
  url: URL;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The raw body; JSON routes read it through `json()`. */
  rawBody: Buffer;
  json(): unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** The request was handled, but its answer is lost (an injected timeout): the connection is destroyed. */
  drop?: boolean;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  handler: Handler;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  /** The template that matched, e.g. `/users/{user}/events/{id}`: stats and faults key on it. */
  template: string;
}

/**
 * Graph resolves paths case-insensitively (`/Users/x/Events` works), so every pattern is matched with
 * the `i` flag; `{name}` segments become named groups and are URL-decoded.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    const source = template
      .split('/')
      .map((segment) =>
        /^\{(\w+)\}$/.test(segment)
          ? `(?<${segment.slice(1, -1)}>[^/]+)`
          : segment.replace(/[.$()]/g, '\\$&'),
      )
      .join('/');
    this.routes.push({ method, template, pattern: new RegExp(`^${source}/?$`, 'i'), handler });
    return this;
  }

  match(method: string, path: string): RouteMatch | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(match.groups ?? {})) {
        try {
          params[name] = decodeURIComponent(value);
        } catch {
          throw new GraphError(400, 'BadRequest', `Invalid percent-encoding in '${name}'.`);
        }
      }
      return { handler: route.handler, params, template: route.template };
    }
    return pathMatched ? 'method' : undefined;
  }
}
