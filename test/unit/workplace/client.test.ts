import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Refused,
  NotFound,
  RoomConflict,
  Stale,
  Throttled,
  Unavailable,
  UnexpectedAnswer,
  WorkplaceClient,
  tokenProvider,
  type ReservationWrite,
} from '../../../shared/workplace';

/** A scripted Workplace: each request is answered by the next responder; every request is recorded. */
function scripted(...responders: ((req: Request) => Response | Promise<Response>)[]) {
  const requests: Request[] = [];
  const sleeps: number[] = [];
  const fetchImpl = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    requests.push(req);
    const next = responders.shift();
    if (!next) throw new Error(`unexpected request ${req.method} ${req.url}`);
    return Promise.resolve(next(req));
  };
  const client = (
    auth: ConstructorParameters<typeof WorkplaceClient>[0]['auth'] = { kind: 'apiKey', apiKey: 'key-1' },
  ) =>
    new WorkplaceClient({
      baseUrl: 'http://workplace.test/api/',
      auth,
      fetch: fetchImpl,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
    });
  return { client, requests, sleeps };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const error = (
  status: number,
  code: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
) => json(status, { error: { code, message: `${code} happened`, ...extra } }, headers);

const reservation = {
  id: 'r-1',
  version: 1,
  subject: 'Design review',
  start: '2026-03-30T09:00:00',
  end: '2026-03-30T10:00:00',
  timeZone: 'Europe/Brussels',
  responsible: { email: 'ann@contoso.com', name: 'Ann' },
  participants: [],
  lines: [{ roomId: 'room-1', status: 'confirmed' }],
  recurrence: null,
  exceptions: [],
  source: 'workplace',
  externalRef: null,
  cancelled: false,
  createdAt: '2026-03-01T10:00:00Z',
  updatedAt: '2026-03-01T10:00:00Z',
};
const write: ReservationWrite = {
  subject: 'Design review',
  start: '2026-03-30T09:00:00',
  end: '2026-03-30T10:00:00',
  timeZone: 'Europe/Brussels',
  responsible: { email: 'ann@contoso.com', name: 'Ann' },
  participants: [],
  lines: [{ roomId: 'room-1', status: 'confirmed' }],
  recurrence: null,
  exceptions: [],
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('WorkplaceClient', () => {
  it('sends the bearer key, If-Match and Idempotency-Key, and validates what comes back', async () => {
    const { client, requests } = scripted(
      () => json(201, reservation),
      () => json(200, { ...reservation, version: 2 }),
      () => new Response(null, { status: 204 }),
    );
    const wp = client();
    assert.equal((await wp.createReservation(write, 'link-42')).id, 'r-1');
    assert.equal((await wp.replaceReservation('r-1', write, 1)).version, 2);
    await wp.cancelReservation('r-1', 2);
    assert.deepEqual(
      requests.map((r) => [
        r.method,
        new URL(r.url).pathname,
        r.headers.get('idempotency-key'),
        r.headers.get('if-match'),
      ]),
      [
        ['POST', '/api/reservations', 'link-42', null],
        ['PUT', '/api/reservations/r-1', null, '1'],
        ['DELETE', '/api/reservations/r-1', null, '2'],
      ],
    );
    assert.ok(requests.every((r) => r.headers.get('authorization') === 'Bearer key-1'));
  });

  it('retries a 429 after its Retry-After, and gives up after a bounded number of tries with Throttled', async () => {
    const throttled = () => error(429, 'throttled', {}, { 'retry-after': '2' });
    const ok = scripted(throttled, () => json(200, reservation));
    assert.equal((await ok.client().getReservation('r-1')).id, 'r-1');
    assert.deepEqual(ok.sleeps, [2000]);

    const never = scripted(throttled, throttled, throttled, throttled);
    const err = await rejection(never.client().getReservation('r-1'));
    assert.ok(err instanceof Throttled);
    assert.equal(err.retryAfterMs, 2000);
    assert.equal(never.requests.length, 4, 'four tries in all');
  });

  it('retries 5xx and lost answers with jittered exponential backoff; a retried create keeps its key', async () => {
    const { client, requests, sleeps } = scripted(
      () => error(503, 'unavailable'),
      () => {
        throw new TypeError('fetch failed');
      },
      () => json(201, reservation),
    );
    assert.equal((await client().createReservation(write, 'link-42')).id, 'r-1');
    assert.deepEqual(sleeps, [250, 500], 'half of 500 ms, then half of 1 s (random = 0.5)');
    assert.deepEqual(
      requests.map((r) => r.headers.get('idempotency-key')),
      ['link-42', 'link-42', 'link-42'],
    );
    const down = scripted(...Array.from({ length: 4 }, () => () => error(500, 'boom')));
    assert.ok((await rejection(down.client().listRooms())) instanceof Unavailable);
  });

  it('turns each contract error into its typed error', async () => {
    const { client } = scripted(
      () => error(404, 'not_found'),
      () => error(409, 'room_conflict'),
      () => error(412, 'stale'),
      () => error(400, 'invalid', { field: 'lines.0.roomId' }),
      () => json(200, { ...reservation, version: 'seven' }),
    );
    const wp = client();
    assert.ok((await rejection(wp.getReservation('r-9'))) instanceof NotFound);
    assert.ok((await rejection(wp.createReservation(write, 'k'))) instanceof RoomConflict);
    assert.ok((await rejection(wp.replaceReservation('r-1', write, 1))) instanceof Stale);
    const invalid = await rejection(wp.createReservation(write, 'k2'));
    assert.ok(invalid instanceof Refused);
    assert.equal(invalid.field, 'lines.0.roomId');
    const unexpected = await rejection(wp.getReservation('r-1'));
    assert.ok(unexpected instanceof UnexpectedAnswer);
    assert.match(unexpected.message, /version/);
  });

  it('caches the client-credentials token until shortly before expiry, and renews once after a 401', async () => {
    let issued = 0;
    const token = () =>
      json(200, { access_token: `t${String((issued += 1))}`, token_type: 'Bearer', expires_in: 3600 });
    const { client, requests } = scripted(
      token,
      () => json(200, { items: [] }),
      () => json(200, { items: [] }),
      () => error(401, 'unauthorized'),
      token,
      () => json(200, { items: [] }),
    );
    const wp = client({
      kind: 'clientCredentials',
      tokenUrl: 'http://workplace.test/oauth/token',
      clientId: 'roomsync',
      clientSecret: 's3cret',
    });
    await wp.listRooms();
    await wp.listRooms();
    await wp.listRooms();
    assert.deepEqual(
      requests.map((r) => `${new URL(r.url).pathname} ${r.headers.get('authorization') ?? ''}`),
      [
        '/oauth/token ',
        '/api/rooms Bearer t1',
        '/api/rooms Bearer t1',
        '/api/rooms Bearer t1',
        '/oauth/token ',
        '/api/rooms Bearer t2',
      ],
    );
  });

  it('renews a token a minute before it expires, and shares one token request between concurrent callers', async () => {
    let clock = 0;
    let issued = 0;
    const fetchImpl = (() => {
      issued += 1;
      return Promise.resolve(
        json(200, { access_token: `t${String(issued)}`, token_type: 'Bearer', expires_in: 600 }),
      );
    }) as typeof fetch;
    const tokens = tokenProvider(
      { kind: 'clientCredentials', tokenUrl: 'http://x/token', clientId: 'a', clientSecret: 'b' },
      fetchImpl,
      () => clock,
    );
    assert.deepEqual(await Promise.all([tokens.token(), tokens.token()]), ['t1', 't1']);
    clock = 538_000;
    assert.equal(await tokens.token(), 't1');
    clock = 541_000;
    assert.equal(await tokens.token(), 't2', 'renewed 60 s before the 600 s lifetime ends');
  });

  it('pages through changedSince with the cursor', async () => {
    const { client, requests } = scripted(
      () => json(200, { items: [reservation], nextCursor: 'c2' }),
      () => json(200, { items: [{ ...reservation, id: 'r-2' }], nextCursor: null }),
    );
    const seen: string[] = [];
    for await (const r of client().changedSince(new Date('2026-03-01T00:00:00Z'), { roomId: 'room-1' }))
      seen.push(r.id);
    assert.deepEqual(seen, ['r-1', 'r-2']);
    assert.equal(new URL(requests[1]?.url ?? '').searchParams.get('cursor'), 'c2');
    assert.equal(
      new URL(requests[0]?.url ?? '').searchParams.get('changedSince'),
      '2026-03-01T00:00:00.000Z',
    );
  });
});
