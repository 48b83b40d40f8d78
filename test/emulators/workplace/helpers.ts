import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkplaceEmulator } from '../../../emulators/workplace/server';

/** Plain-fetch access to a Workplace emulator, as a client that knows only the contract would use it. */

export const API_KEY = 'workplace-dev-key';
export const ZONE = 'Europe/Brussels';

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export interface ReservationBody {
  id: string;
  version: number;
  subject: string;
  start: string;
  end: string;
  lines: { roomId: string; status: string }[];
  recurrence: { rrule: string } | null;
  exceptions: unknown[];
  source: string;
  externalRef: string | null;
  cancelled: boolean;
  createdAt: string;
  updatedAt: string;
}

export function api(emulator: WorkplaceEmulator, token = API_KEY) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> =>
    fetch(`${emulator.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    call,
    // The caller names the body it expects, as with fetch's own json(); the tests assert on it.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
    async json<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
      const response = await call(method, path, body, headers);
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: (text ? JSON.parse(text) : undefined) as T,
      };
    },
  };
}

export const control = (emulator: WorkplaceEmulator, path: string, method: string, body?: unknown) =>
  fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

export const booking = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  subject: 'Design review',
  start: '2026-03-30T09:00:00',
  end: '2026-03-30T10:00:00',
  timeZone: ZONE,
  lines: [{ roomId: 'room-1' }],
  ...overrides,
});

export async function seedRooms(emulator: WorkplaceEmulator): Promise<void> {
  for (const id of ['room-1', 'room-2']) {
    const response = await control(emulator, 'rooms', 'POST', {
      id,
      name: `Room ${id.slice(-1)}`,
      email: `${id}@contoso.com`,
      timeZone: ZONE,
    });
    if (response.status !== 201) throw new Error(`seeding ${id}: ${response.status}`);
  }
}

export interface WebhookReceiver {
  url: string;
  secret: string;
  /** Every POST received (failed ones included, status 0 for unanswered), in arrival order. */
  posts: { headers: IncomingHttpHeaders; raw: string; status: number }[];
  /** Answer this many POSTs with 500 before accepting. */
  failNext: number;
  /** Leave this many POSTs unanswered (after the failures). */
  hangNext: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret = 'shh'): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    secret,
    posts: [],
    failNext: 0,
    hangNext: 0,
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (receiver.failNext === 0 && receiver.hangNext > 0) {
        receiver.hangNext -= 1;
        receiver.posts.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), status: 0 });
        return;
      }
      const status = receiver.failNext > 0 ? 500 : 204;
      if (status === 500) receiver.failNext -= 1;
      receiver.posts.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/workplace/webhook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

/** The signature a receiver expects, computed independently of the emulator's own code. */
export const expectedSignature = (secret: string, timestamp: string, raw: string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
