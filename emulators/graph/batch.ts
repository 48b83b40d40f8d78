import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { GraphError, badRequest } from './errors';
import { GRAPH_JSON, type Reply } from './router';

const MAX_REQUESTS = 20;
const WRITES = new Set(['POST', 'PATCH', 'PUT']);

const batchSchema = z.object({
  requests: z
    .array(
      z.object({
        id: z.string().min(1),
        method: z.string().min(1),
        url: z.string().min(1),
        headers: z.record(z.string(), z.string()).optional(),
        body: z.unknown().optional(),
        dependsOn: z.array(z.string()).optional(),
      }),
    )
    .min(1),
});

export type BatchRequest = z.infer<typeof batchSchema>['requests'][number];

/** Runs one sub-request through the same pipeline as a top-level request (auth already checked). */
export type SubRequestRunner = (
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
) => Promise<Reply>;

function errorReply(status: number, code: string, message: string): Reply {
  return { status, body: { error: { code, message } } };
}

/**
 * JSON batching as Graph does it: at most 20 requests (ids unique regardless of case; a write needs a
 * body and Content-Type, else the whole batch is 400), each answered on its own (throttling included:
 * a 429 inside a 200 envelope carries its own Retry-After), `dependsOn` ordering, and 424 for a request
 * whose dependency failed. Independent requests run concurrently.
 */
export async function runBatch(body: unknown, run: SubRequestRunner): Promise<Reply> {
  const parsed = batchSchema.safeParse(body);
  if (!parsed.success) throw badRequest('Invalid batch payload format.', 'BadRequest');
  const { requests } = parsed.data;
  if (requests.length > MAX_REQUESTS)
    throw badRequest(`Number of requests exceeds the limit of ${MAX_REQUESTS}.`, 'BadRequest');
  // Ids are not case-sensitive (concepts/json-batching.md): `a` and `A` are the same id.
  const byId = new Map<string, BatchRequest>();
  for (const request of requests) {
    const key = request.id.toLowerCase();
    if (byId.has(key)) throw badRequest(`Request id ${request.id} is duplicated.`, 'BadRequest');
    byId.set(key, request);
  }
  for (const request of requests) {
    for (const dependency of request.dependsOn ?? []) {
      if (!byId.has(dependency.toLowerCase()))
        throw badRequest(
          `Request id ${request.id} depends on ${dependency}, which is not in the batch.`,
          'BadRequest',
        );
    }
    // A write without a body, or a body without Content-Type, fails the whole batch before anything
    // runs (a batch-level 400, not an item's: msgraph-sdk-dotnet#2628, Softeria/ms-365-mcp-server#683).
    const hasBody = request.body !== undefined && request.body !== null;
    const contentType = Object.keys(request.headers ?? {}).some(
      (name) => name.toLowerCase() === 'content-type',
    );
    if ((hasBody && !contentType) || (!hasBody && WRITES.has(request.method.toUpperCase())))
      throw badRequest(
        `Write request id : ${request.id} does not contain Content-Type header or body.`,
        'BadRequest',
      );
  }

  const results = new Map<string, Promise<Reply>>();
  const responses: Record<string, unknown>[] = [];

  function execute(request: BatchRequest, path: string[]): Promise<Reply> {
    const existing = results.get(request.id.toLowerCase());
    if (existing) return existing;
    if (path.includes(request.id))
      throw new GraphError(400, 'BadRequest', `Circular dependency involving request id ${request.id}.`);
    const promise = (async (): Promise<Reply> => {
      const dependencies = await Promise.all(
        (request.dependsOn ?? []).map((id) =>
          execute(byId.get(id.toLowerCase()) as BatchRequest, [...path, request.id]),
        ),
      );
      if (dependencies.some((reply) => reply.status >= 400)) {
        return errorReply(
          424,
          'FailedDependency',
          'The request failed because of a failed dependent request.',
        );
      }
      const headers: IncomingHttpHeaders = {};
      for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
      const hasBody = request.body !== undefined && request.body !== null;
      const raw = hasBody
        ? Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body))
        : Buffer.alloc(0);
      const url = request.url.startsWith('/') ? request.url : `/${request.url}`;
      try {
        return await run(request.method.toUpperCase(), url, headers, raw);
      } catch (err) {
        if (err instanceof GraphError)
          return {
            status: err.status,
            headers: err.headers,
            body: { error: { code: err.code, message: err.message } },
          };
        throw err;
      }
    })();
    results.set(request.id.toLowerCase(), promise);
    return promise;
  }

  await Promise.all(
    requests.map(async (request) => {
      const reply = await execute(request, []);
      responses.push({
        id: request.id,
        status: reply.status,
        headers: { ...(reply.body === undefined ? {} : { 'Content-Type': GRAPH_JSON }), ...reply.headers },
        ...(reply.body === undefined ? {} : { body: reply.body }),
      });
    }),
  );
  return { status: 200, body: { responses } };
}
