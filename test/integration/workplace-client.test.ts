import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../emulators/workplace/server';
import { bookingFromReservation, reservationFromBooking } from '../../shared/mapping';
import {
  Refused,
  NotFound,
  RoomConflict,
  Stale,
  Throttled,
  Unauthorized,
  Unavailable,
  WorkplaceClient,
  verifyWebhook,
  type ReservationWrite,
  type WebhookVerdict,
  type WorkplaceAuth,
} from '../../shared/workplace';
import { makeBooking } from '../factories/booking';
import { waitFor } from '../helpers/wait';

/** The test directory's rooms, as the emulator knows them. */
const rooms = {
  roomEmail: (id: string) =>
    id === 'wp-alpha' ? 'room.alpha@contoso.com' : id === 'wp-beta' ? 'room.beta@contoso.com' : undefined,
  workplaceRoomId: (email: string) =>
    email === 'room.alpha@contoso.com'
      ? 'wp-alpha'
      : email === 'room.beta@contoso.com'
        ? 'wp-beta'
        : undefined,
};

/** The body roomsync writes for a booking: the core's mapping, so the contract checks it too. */
const body = (overrides: Parameters<typeof makeBooking>[0] = {}): ReservationWrite => ({
  ...reservationFromBooking(makeBooking({ rooms: ['room.alpha@contoso.com'], ...overrides }), rooms),
  source: 'exchange',
  externalRef: '040000008200E00074C5B7101A82E008',
});

describe('WorkplaceClient against the Workplace emulator (contract tests)', () => {
  let emulator: WorkplaceEmulator;
  let client: WorkplaceClient;
  const connect = (
    auth: WorkplaceAuth = { kind: 'apiKey', apiKey: 'workplace-dev-key' },
    maxAttempts = 4,
  ): WorkplaceClient =>
    new WorkplaceClient({
      baseUrl: emulator.url,
      auth,
      retry: { maxAttempts, baseDelayMs: 10, maxDelayMs: 2_000 },
    });

  before(async () => {
    emulator = await startWorkplaceEmulator({
      port: 0,
      webhooks: { retryDelaysMs: [50, 100], timeoutMs: 1000 },
    });
  });
  beforeEach(() => {
    emulator.reset();
    emulator.addRoom({
      id: 'wp-alpha',
      name: 'Alpha',
      email: 'room.alpha@contoso.com',
      timeZone: 'Europe/Brussels',
    });
    emulator.addRoom({
      id: 'wp-beta',
      name: 'Beta',
      email: 'room.beta@contoso.com',
      timeZone: 'Europe/Brussels',
    });
    client = connect();
  });
  after(async () => {
    await emulator.stop();
  });

  it('authenticates with client credentials or the API key, and refuses a wrong key', async () => {
    const oauth = connect({
      kind: 'clientCredentials',
      tokenUrl: `${emulator.url}/oauth/token`,
      clientId: 'roomsync',
      clientSecret: 's3cret',
    });
    assert.deepEqual(
      (await oauth.listRooms()).map((r) => r.id),
      ['wp-alpha', 'wp-beta'],
    );
    await assert.rejects(connect({ kind: 'apiKey', apiKey: 'wrong' }).listRooms(), Unauthorized);
  });

  it('creates, reads, replaces with If-Match, declines a line and cancels: every endpoint and its errors', async () => {
    const created = await client.createReservation(body(), 'link-1');
    assert.equal(created.version, 1);
    assert.deepEqual(created.lines, [{ roomId: 'wp-alpha', status: 'confirmed' }]);
    // What Workplace holds maps back to the booking roomsync wrote.
    const mapped = bookingFromReservation(created, rooms);
    assert.equal(mapped.start.toISOString(), makeBooking().start.toISOString());

    const replaced = await client.replaceReservation(
      created.id,
      body({ subject: 'Moved', rooms: ['room.alpha@contoso.com', 'room.beta@contoso.com'] }),
      1,
    );
    assert.equal(replaced.version, 2);
    await assert.rejects(client.replaceReservation(created.id, body(), 1), Stale);

    const declined = await client.declineLine(created.id, 'wp-beta', 'room closed');
    assert.equal(declined.lines.find((l) => l.roomId === 'wp-beta')?.status, 'declined');

    await client.cancelReservation(created.id, declined.version);
    assert.equal((await client.getReservation(created.id)).cancelled, true);
    await assert.rejects(client.getReservation('r-unknown'), NotFound);
    await assert.rejects(client.declineLine(created.id, 'wp-gamma'), NotFound);
  });

  it('answers RoomConflict for a taken room and Refused naming the field for a body the contract forbids', async () => {
    await client.createReservation(body(), 'link-1');
    const clash = await client
      .createReservation(body({ subject: 'Clash' }), 'link-2')
      .catch((e: unknown) => e);
    assert.ok(clash instanceof RoomConflict, String(clash));
    const invalid = await client
      .createReservation({ ...body(), lines: [{ roomId: 'wp-nowhere', status: 'confirmed' }] }, 'link-3')
      .catch((e: unknown) => e);
    assert.ok(invalid instanceof Refused, String(invalid));
    assert.equal(invalid.field, 'lines.0.roomId');
  });

  it('pages through changedSince, cancelled reservations included', async () => {
    const since = new Date(Date.now() - 1000);
    const ids: string[] = [];
    for (let day = 1; day <= 5; day += 1) {
      const start = new Date(Date.UTC(2026, 11, day, 9));
      const made = await client.createReservation(
        body({ start, end: new Date(start.getTime() + 3_600_000) }),
        `link-${String(day)}`,
      );
      ids.push(made.id);
    }
    await client.cancelReservation(ids[0] ?? '');
    const seen: string[] = [];
    for await (const r of client.listReservations({ changedSince: since, limit: 2 })) seen.push(r.id);
    assert.deepEqual([...seen].sort(), [...ids].sort());
    assert.equal(seen.at(-1), ids[0], 'the cancellation is the latest change');
  });

  it('retries a 429 after its Retry-After and gives up after a bounded number of tries (Throttled; Unavailable for 5xx)', async () => {
    emulator.setFaults({ errors: [{ route: 'GET /rooms', status: 429, count: 1, retryAfterSeconds: 1 }] });
    const started = Date.now();
    assert.equal((await client.listRooms()).length, 2);
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After');

    emulator.setFaults({ errors: [{ route: 'GET /rooms', status: 429, retryAfterSeconds: 0 }] });
    const before = emulator.stats().byRoute['GET /rooms'] ?? 0;
    const err = await connect(undefined, 3)
      .listRooms()
      .catch((e: unknown) => e);
    assert.ok(err instanceof Throttled, String(err));
    assert.equal((emulator.stats().byRoute['GET /rooms'] ?? 0) - before, 3);

    emulator.setFaults({ errors: [{ route: 'GET /rooms', status: 503 }] });
    assert.ok(
      (await connect(undefined, 2)
        .listRooms()
        .catch((e: unknown) => e)) instanceof Unavailable,
    );

    // A Retry-After longer than the client may wait is handed back at once, to be retried later.
    emulator.setFaults({ errors: [{ route: 'GET /rooms', status: 429, count: 1, retryAfterSeconds: 120 }] });
    const long = await client.listRooms().catch((e: unknown) => e);
    assert.ok(long instanceof Throttled && long.retryAfterMs === 120_000, String(long));
  });

  it('returns the first reservation, not a second, when a create is retried after a dropped response', async () => {
    emulator.setFaults({ dropResponse: [{ route: 'POST /reservations', count: 1 }] });
    const created = await client.createReservation(body(), 'link-dropped');
    const all: string[] = [];
    for await (const r of client.listReservations()) all.push(r.id);
    assert.deepEqual(all, [created.id]);
    assert.equal(emulator.stats().byRoute['POST /reservations'], 2, 'sent twice, made once');
  });

  it('verifies the emulator’s webhook deliveries with the shared secret', async () => {
    const verdicts: WebhookVerdict[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const header = (name: string): string | undefined => {
          const value = req.headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        verdicts.push(verifyWebhook({ header, rawBody: Buffer.concat(chunks) }, 'webhook-secret'));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      emulator.addWebhook({
        url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/hook`,
        secret: 'webhook-secret',
      });
      const created = await client.createReservation(body(), 'link-hook');
      await client.cancelReservation(created.id);
      await emulator.settle();
      await waitFor('two deliveries', () => verdicts.length >= 2);
      assert.ok(
        verdicts.every((v) => v.ok),
        JSON.stringify(verdicts),
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
