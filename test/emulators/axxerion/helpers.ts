/** Plain-fetch access to an Axxerion emulator, as an integration that knows only the web services would use it. */

export const ORG = 'Contoso';
export const USER = 'roomsync-api';
export const PASSWORD = 'axxerion-dev-password';
export const DATASOURCE = 'roomsync';

export const REPORTS = {
  rooms: 'CONTOSO-RS-ROOMS',
  window: 'CONTOSO-RS-RES-WINDOW',
  byExternalReference: 'CONTOSO-RS-RES-BY-EXTREF',
  byId: 'CONTOSO-RS-RES-BY-ID',
  bySeries: 'CONTOSO-RS-RES-BY-SERIES',
  changes: 'CONTOSO-RS-RES-CHANGED',
  participants: 'CONTOSO-RS-PARTICIPANTS',
  importLog: 'CONTOSO-RS-IMPORTLOG',
};

/** A profile without delays, skew or jitter, for tests that look at one behaviour at a time. */
export const CALM = {
  clockSkewMs: 0,
  processingDelayMs: 0,
  processingJitterMs: 0,
  visibilityDelayMs: 0,
  visibilityJitterMs: 0,
  participantsLagMs: 0,
};

export const basic = (user = USER, password = PASSWORD): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export type Row = Record<string, string>;

export interface Answer<T> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

async function answer<T>(response: Response): Promise<Answer<T>> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  // The tests name the shape they expect, as with fetch's own json(), and assert on it.
  return { status: response.status, headers: response.headers, text, body: body as T };
}

export interface ReportBody {
  data: Row[];
  errorMessage?: string;
}

export interface ImportBody {
  id?: string;
  response?: string;
  errorMessage?: string;
  warningMessage?: string;
}

export function axxerion(url: string, { org = ORG, authorization = basic() } = {}) {
  const post = async <T>(
    fn: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> =>
    answer<T>(
      await fetch(`${url}/webservices/${org}/rest/functions/${fn}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  return {
    post,
    report: (reference: string, filterFields?: string[], filterValues?: unknown[]) =>
      post<ReportBody>('completereportresult', { reference, filterFields, filterValues }),
    /** Rows of a report that must answer without an error. */
    async rows(reference: string, filterFields: string[] = [], filterValues: unknown[] = []): Promise<Row[]> {
      const result = await post<ReportBody>('completereportresult', {
        reference,
        filterFields,
        filterValues,
      });
      if (result.status !== 200 || !Array.isArray(result.body.data) || result.body.errorMessage !== undefined)
        throw new Error(`report ${reference}: ${result.status} ${result.text}`);
      return result.body.data;
    },
    importItem: (action: string, payload: unknown, datasource = DATASOURCE) =>
      post<ImportBody>('createupdate/ImportItem', {
        datasource,
        stringValue: action,
        clobMBValue: Buffer.from(JSON.stringify(payload), 'utf8').toString('base64'),
      }),
  };
}

export async function control<T = unknown>(url: string, method: string, path: string, body?: unknown) {
  return answer<T>(
    await fetch(`${url}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/** Control calls that must succeed. */
export async function ok<T = unknown>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const result = await control<T>(url, method, path, body);
  if (result.status >= 300) throw new Error(`${method} /_emulator/${path}: ${result.status} ${result.text}`);
  return result.body;
}

/** A reset tenant with the given profile, two rooms and two people. */
export async function freshTenant(url: string, profile: Record<string, unknown> = CALM): Promise<void> {
  await ok(url, 'POST', 'reset');
  await ok(url, 'POST', 'profile', profile);
  const rooms: [string, string][] = [
    ['AMS-1.01', 'Amstel'],
    ['AMS-1.02', 'IJ'],
  ];
  for (const [reference, name] of rooms)
    await ok(url, 'POST', 'rooms', {
      reference,
      name,
      email: `${name.toLowerCase()}@contoso.com`,
      capacity: 8,
    });
  await ok(url, 'POST', 'people', { email: 'ada@contoso.com', name: 'Ada Lovelace' });
  await ok(url, 'POST', 'people', { email: 'bob@contoso.com', name: 'Bob Dijkstra' });
}

let correlation = 0;

export const upsert = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  correlation += 1;
  return {
    correlationId: `corr-${correlation}`,
    externalReference: 'ical-1|2026-03-30T07:00:00Z',
    requestorEmail: 'ada@contoso.com',
    subject: 'Design review',
    start: '2026-03-30T09:00:00+02:00',
    end: '2026-03-30T10:00:00+02:00',
    timeZone: 'Europe/Amsterdam',
    items: [{ areaReference: 'AMS-1.01' }],
    participants: [{ email: 'bob@contoso.com', name: 'Bob Dijkstra', required: true }],
    ...overrides,
  };
};

/** Processes every queued import item now. */
export const processImports = (url: string): Promise<unknown> => ok(url, 'POST', 'queue/process', {});

export interface LogEntry {
  id: string;
  status: string;
  error: string;
  warning: string;
  reservationId: string;
  correlationId: string;
}

export interface ReservationView {
  id: string;
  reference: string;
  externalReference: string;
  subject: string;
  start: string;
  end: string;
  status: string;
  requestor: string;
  items: { id: string; areaReference: string; status: string }[];
  participants: { email: string; visitor: boolean }[];
  updateTime: string;
  updatedBy: string;
}
