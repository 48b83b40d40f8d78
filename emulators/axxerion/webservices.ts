import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import type { BasicAuth } from './auth';
import type { Clock } from './clock';
import type { CallInfo, FaultGate, FaultRule } from './faults';
import type { ImportQueue } from './imports';
import type { Profile } from './profile';
import type { ReportRegistry } from './reports';
import type { Stats } from './stats';
import type { Store } from './store';

/**
 * The Axxerion surface: `POST /webservices/{org}/rest/functions/completereportresult` and
 * `.../createupdate/ImportItem`. Everything but a failed login answers 200; errors travel in the body.
 */

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Send this many characters of the body, then destroy the connection. */
  abortAfter?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
}

export interface WebserviceDeps {
  store: Store;
  clock: Clock;
  profile: () => Profile;
  auth: BasicAuth;
  faults: FaultGate;
  reports: ReportRegistry;
  imports: ImportQueue;
  stats: Stats;
}

const PATH = /^\/webservices\/([^/]+)\/rest\/functions\/(.+?)\/?$/;
const JSON_TYPE = 'application/json;charset=UTF-8';
const html = (status: number, title: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': 'text/html;charset=UTF-8', ...headers },
  body: `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`,
});
const json = (body: unknown): Reply => ({
  status: 200,
  headers: { 'content-type': JSON_TYPE },
  body: JSON.stringify(body),
});

/** Bodies come as JSON or as text/plain holding JSON (S3); the content type is not looked at. */
function parseBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const callNames = z
  .looseObject({ reference: z.string().optional(), stringValue: z.string().optional() })
  .catch({});

export async function handleWebservice(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  raw: Buffer,
  deps: WebserviceDeps,
): Promise<Reply> {
  const profile = deps.profile();
  const match = PATH.exec(path);
  if (!match) return html(404, 'Not Found');
  const [, org, fn] = match;
  if (org !== profile.org)
    return profile.unknownOrg === 'loginPage' ? html(200, 'Axxerion - Login') : html(404, 'Not Found');
  const body = parseBody(raw);
  const names = callNames.parse(body);
  const call: CallInfo =
    fn === 'completereportresult'
      ? { kind: 'report', ...(names.reference === undefined ? {} : { reference: names.reference }) }
      : fn === 'createupdate/ImportItem'
        ? { kind: 'import', ...(names.stringValue === undefined ? {} : { action: names.stringValue }) }
        : { kind: 'other' };
  deps.stats.call(call.kind, call.kind === 'report' ? call.reference : call.action);
  if (!deps.auth.check(headers.authorization, profile, deps.clock.now())) return unauthorized(deps);
  if (deps.faults.faults.latencyMs > 0)
    await new Promise((resolve) => setTimeout(resolve, deps.faults.faults.latencyMs));
  const before = deps.faults.before(call);
  if (before?.fault === 'unauthorized') return unauthorized(deps);
  if (before) return errorPage(before);
  if (method !== 'POST') return json({ errorMessage: `Function ${fn ?? ''} requires POST` });
  let reply: Reply;
  if (call.kind === 'report') reply = await report(body, deps, profile);
  else if (call.kind === 'import') reply = json(deps.imports.submit(body).answer);
  else reply = json({ errorMessage: `Unknown function '${fn ?? ''}'` });
  const after = deps.faults.after(call);
  return after ? spoil(reply, after) : reply;
}

function unauthorized(deps: WebserviceDeps): Reply {
  deps.stats.unauthorized();
  return { status: 401, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: 'Unauthorized' };
}

function errorPage(rule: FaultRule): Reply {
  const titles: Record<number, string> = {
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  const retryAfter: Record<string, string> =
    rule.retryAfterSeconds === undefined ? {} : { 'retry-after': String(rule.retryAfterSeconds) };
  return html(rule.status, `${rule.status} ${titles[rule.status] ?? 'Error'}`, retryAfter);
}

/** No paging (notes item 19): past the row limit the rows are cut silently, or the connection drops. */
async function report(body: unknown, deps: WebserviceDeps, profile: Profile): Promise<Reply> {
  const answer = deps.reports.run(body, deps.store, profile);
  if ('errorMessage' in answer) return json({ data: [], errorMessage: answer.errorMessage });
  const { rows } = answer;
  if (profile.msPerRow > 0)
    await new Promise((resolve) => setTimeout(resolve, rows.length * profile.msPerRow));
  if (rows.length <= profile.rowLimit) {
    deps.stats.rows(rows.length);
    return json({ data: rows });
  }
  const kept = rows.slice(0, profile.rowLimit);
  deps.stats.rows(kept.length, profile.overflow);
  if (profile.overflow === 'truncate') return json({ data: kept });
  const whole = json({ data: rows });
  // Cut just after the last row within the limit, as a stream aborted by the server would be.
  return { ...whole, abortAfter: JSON.stringify({ data: kept }).length - 2 };
}

function spoil(reply: Reply, rule: FaultRule): Reply {
  switch (rule.fault) {
    case 'dropResponse':
      return { ...reply, drop: true };
    case 'abortBody':
      return { ...reply, abortAfter: Math.floor(reply.body.length / 2) };
    case 'truncateBody':
      return { ...reply, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) };
    case 'nonJson':
      return html(200, 'Axxerion is being updated. Please try again later.');
    case 'bom':
      return { ...reply, body: `\uFEFF\r\n${reply.body}` };
    default:
      return reply;
  }
}
