import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './errors';

export interface RequestContext {
  method: string;
  url: URL;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The body as the contract check parsed it (JSON or form), with defaults applied; undefined when empty. */
  body: unknown;
  /** Query parameters after the contract check (coerced to their schema types, defaults applied). */
  query: Record<string, unknown>;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface RouteMatch<T> {
  value: T;
  params: Record<string, string>;
  /** The template that matched, e.g. `/reservations/{id}`: stats, faults and the contract key on it. */
  template: string;
}

/** Matches `METHOD /path` against templates with `{name}` segments (URL-decoded, never empty). */
export class Router<T> {
  private readonly routes: { method: string; template: string; pattern: RegExp; value: T }[] = [];

  add(method: string, template: string, value: T): this {
    const source = template
      .split('/')
      .map((segment) =>
        /^\{(\w+)\}$/.test(segment)
          ? `(?<${segment.slice(1, -1)}>[^/]+)`
          : segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    this.routes.push({ method, template, pattern: new RegExp(`^${source}/?$`), value });
    return this;
  }

  /** The route, `'method'` when the path exists under another method only, or undefined. */
  match(method: string, path: string): RouteMatch<T> | 'method' | undefined {
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
          throw new ApiError(400, 'invalid', `Invalid percent-encoding in '${name}'.`, name);
        }
      }
      return { value: route.value, params, template: route.template };
    }
    return pathMatched ? 'method' : undefined;
  }

  allowed(path: string): string[] {
    return this.routes.filter((route) => route.pattern.test(path)).map((route) => route.method);
  }
}
