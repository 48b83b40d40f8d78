import type { z } from 'zod';

/** The control API's plumbing: `METHOD /template` routes, JSON bodies checked with zod, JSON errors. */

export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  body(): { error: { code: string; message: string; field?: string } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field === undefined ? {} : { field: this.field }),
      },
    };
  }
}

export interface ControlRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  raw: Buffer;
}

export interface ControlReply {
  status: number;
  body?: unknown;
}

export type ControlHandler = (request: ControlRequest) => ControlReply | Promise<ControlReply>;

export class ControlRouter {
  private readonly routes: { method: string; pattern: RegExp; handler: ControlHandler }[] = [];

  add(method: string, template: string, handler: ControlHandler): this {
    const source = template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), handler });
    return this;
  }

  async handle(method: string, url: URL, raw: Buffer): Promise<ControlReply> {
    let pathFound = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      pathFound = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(match.groups ?? {})) {
        try {
          params[name] = decodeURIComponent(value);
        } catch {
          throw new ControlError(400, 'invalid', `Invalid percent-encoding in '${name}'`, name);
        }
      }
      return route.handler({ params, query: url.searchParams, raw });
    }
    throw pathFound
      ? new ControlError(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}`)
      : new ControlError(404, 'not_found', `No control route ${method} ${url.pathname}`);
  }
}

/** The JSON body checked against `schema`; an empty body reads as `{}`. */
export function parseBody<T>(schema: z.ZodType<T>, raw: Buffer): T {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8') || '{}') as unknown;
  } catch {
    throw new ControlError(400, 'invalid', 'The request body is not valid JSON', '');
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ControlError(400, 'invalid', issue?.message ?? 'invalid', issue?.path.join('.') ?? '');
}
