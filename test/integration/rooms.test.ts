import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadStorageConfig } from '../../shared/config';
import { QUEUES } from '../../shared/queue/messages';
import { createStorageClients } from '../../shared/storage';
import { createStore } from '../../shared/store';
import { fetchToken, graphClient } from '../helpers/graph-client';
import { FUNCTION_KEY } from '../helpers/host';
import { drainQueue, startServiceHost, type ServiceHost } from '../helpers/service-host';
import { waitFor } from '../helpers/wait';

const ROOM = 'room.alpha@contoso.com';

interface RoomStatus {
  email: string;
  displayName: string;
  timeZone: string;
  subscription: { id: string; expiresAt: string } | null;
  bookings: number;
  conflicts: number;
}

describe('rooms admin API on the local host (Graph and Workplace emulators, Azurite)', () => {
  let service: ServiceHost;
  before(async () => {
    service = await startServiceHost(['graph-notifications', 'workplace-webhook', 'rooms']);
    service.graph.directory.add({ email: ROOM, displayName: 'Room Alpha', kind: 'room' });
    service.graph.directory.add({ email: 'ada@contoso.com', displayName: 'Ada', kind: 'person' });
    service.workplace.addRoom({ id: 'wp-alpha', name: 'Alpha', email: ROOM, timeZone: 'Europe/Brussels' });
  });
  after(async () => {
    await service.close();
  });

  const call = (method: string, path: string, body?: unknown, key: string | null = FUNCTION_KEY) =>
    fetch(`${service.host.url}/api/${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { 'x-functions-key': key } : {}) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const drainSync = async (): Promise<{ kind: string; room?: string; eventId?: string }[]> =>
    (await drainQueue(QUEUES.sync)) as { kind: string; room?: string; eventId?: string }[];
  const graphSubscriptions = () =>
    (service.graph.subscriptions.list().body as { value: { id: string; notificationUrl: string }[] }).value;

  it('refuses bad input with a clear error, and enqueues nothing for it', async () => {
    assert.equal(
      (await call('POST', 'rooms', { email: ROOM, workplaceRoomId: 'wp-alpha' }, null)).status,
      401,
    );
    const unknown = await call('POST', 'rooms', { email: 'nobody@contoso.com', workplaceRoomId: 'wp-alpha' });
    assert.equal(unknown.status, 404);
    assert.match(
      ((await unknown.json()) as { error: { message: string } }).error.message,
      /Exchange has no mailbox nobody@contoso.com/,
    );
    assert.equal((await call('POST', 'rooms', { email: ROOM, workplaceRoomId: 'wp-nowhere' })).status, 404);
    assert.equal(
      (await call('POST', 'rooms', { email: 'not-an-address', workplaceRoomId: 'wp-alpha' })).status,
      400,
    );
    assert.equal((await call('POST', 'rooms', '{"email":')).status, 400);
    const missing = await call('POST', 'rooms', { email: ROOM });
    assert.equal(missing.status, 400);
    assert.match(
      ((await missing.json()) as { error: { message: string } }).error.message,
      /^workplaceRoomId: /,
    );
    assert.equal((await call('POST', 'rooms', 'null')).status, 400);
    assert.deepEqual(await drainSync(), []);
    assert.deepEqual(graphSubscriptions(), []);
  });

  it('registers a room: subscribes (the handshake reaches graphNotifications) and enqueues a backfill; twice is idempotent', async () => {
    const first = await call('POST', 'rooms', {
      email: 'Room.Alpha@contoso.com',
      workplaceRoomId: 'wp-alpha',
    });
    assert.equal(first.status, 201);
    const status = (await first.json()) as RoomStatus;
    assert.equal(status.email, ROOM);
    assert.equal(status.timeZone, 'Europe/Brussels');
    assert.ok(status.subscription);
    assert.deepEqual(
      graphSubscriptions().map((s) => s.notificationUrl),
      [`${service.host.url}/api/graph/notifications`],
    );
    const again = await call('POST', 'rooms', { email: ROOM, workplaceRoomId: 'wp-alpha' });
    assert.equal(again.status, 200);
    assert.equal(((await again.json()) as RoomStatus).subscription?.id, status.subscription.id);
    assert.equal(graphSubscriptions().length, 1);
    assert.deepEqual(
      (await drainSync()).map((m) => [m.kind, m.room]),
      [
        ['backfill', ROOM],
        ['backfill', ROOM],
      ],
    );
  });

  it('turns a change in the room’s calendar into a queued graphChange, through the real subscription', async () => {
    const client = graphClient(service.graph.url, await fetchToken(service.graph.url));
    await client.api(`/users/${ROOM}/events`).post({
      subject: 'Walk-in',
      start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
    });
    await service.graph.subscriptions.flush();
    const messages = await waitFor('a graphChange message', async () => {
      const got = await drainSync();
      return got.length > 0 ? got : undefined;
    });
    assert.ok(messages.every((m) => m.kind === 'graphChange' && m.room === ROOM));
  });

  it('masks credentials and attendees’ addresses in what it shows of errors and unsynced bookings', async () => {
    const store = createStore(createStorageClients(loadStorageConfig(process.env)));
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyb29tc3luYyJ9.c2lnbmF0dXJlLXZhbHVl';
    // A reason as it could reach the status row unmasked: the admin API masks what it shows itself.
    await store.roomStatus.record([
      {
        room: ROOM,
        at: new Date(),
        kind: 'graphChange',
        correlationId: 'c-masked',
        error: `GET https://st.table.core.windows.net/links?sv=2024&sig=SAS-SIGNATURE-VALUE failed; Authorization: Bearer ${token}; organizer ada@contoso.com`,
      },
    ]);
    await store.conflicts.add({
      room: ROOM,
      at: new Date().toISOString(),
      reason: 'unsupportedRecurrence',
      linkId: null,
      reservationId: 'r-masked',
      eventId: null,
      summary: `Weekly with bob@fabrikam.com: client_secret=WORKPLACE-SECRET-VALUE`,
    });
    try {
      for (const path of ['rooms', `rooms/${ROOM}`]) {
        const text = await (await call('GET', path)).text();
        for (const secret of [
          'SAS-SIGNATURE-VALUE',
          token,
          'ada@contoso.com',
          'bob@fabrikam.com',
          'WORKPLACE-SECRET-VALUE',
        ])
          assert.ok(!text.includes(secret), `${path} shows ${secret}: ${text}`);
        assert.match(text, /sig=\[redacted\]/);
        assert.match(text, /\[address\]/);
        assert.ok(text.includes(ROOM), 'the room’s own address stays');
      }
    } finally {
      await store.conflicts.remove(ROOM, 'unsupportedRecurrence', 'r-masked');
      await store.roomStatus.record([
        { room: ROOM, at: new Date(), kind: 'graphChange', correlationId: 'c-ok' },
      ]);
    }
  });

  it('lists rooms with their status, shows one, and unregisters (subscription removed)', async () => {
    const list = (await (await call('GET', 'rooms')).json()) as { items: RoomStatus[] };
    assert.deepEqual(
      list.items.map((r) => [r.email, r.bookings, r.conflicts]),
      [[ROOM, 0, 0]],
    );
    assert.equal((await call('GET', `rooms/${ROOM}`)).status, 200);
    assert.equal((await call('POST', `rooms/${ROOM}/resync`)).status, 202);
    const store = createStore(createStorageClients(loadStorageConfig(process.env)));
    await store.roomStatus.record([{ room: ROOM, at: new Date(), kind: 'graphChange', correlationId: 'c' }]);
    assert.ok(await store.roomStatus.get(ROOM));
    assert.equal((await call('DELETE', `rooms/${ROOM}`)).status, 204);
    assert.deepEqual(graphSubscriptions(), []);
    assert.equal(await store.roomStatus.get(ROOM), undefined, 'its status row goes with it');
    await drainSync();
    for (const [method, path] of [
      ['GET', `rooms/${ROOM}`],
      ['DELETE', `rooms/${ROOM}`],
      ['POST', `rooms/${ROOM}/resync`],
      ['POST', `rooms/${ROOM}/resync?confirmRemovals=true`],
    ] as const) {
      const res = await call(method, path);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.deepEqual(await res.json(), {
        error: { code: 'roomNotFound', message: `${ROOM} is not registered` },
      });
    }
    assert.deepEqual(await drainSync(), [], 'an unknown room queues nothing');
  });

  it('answers a method a route does not serve with a JSON error', async () => {
    for (const [method, path] of [
      ['DELETE', 'rooms'],
      ['POST', `rooms/${ROOM}`],
    ] as const) {
      const res = await call(
        method,
        path,
        method === 'POST' ? { email: ROOM, workplaceRoomId: 'wp-alpha' } : undefined,
      );
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'methodNotAllowed');
    }
    assert.deepEqual(await drainSync(), []);
  });
});
