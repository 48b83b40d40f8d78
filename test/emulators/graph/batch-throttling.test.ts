import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import { startGraphEmulator, type GraphEmulator } from '../../../emulators/graph/server';
import { fetchToken, graphClient } from '../../helpers/graph-client';
import { startReceiver, type Receiver } from '../../helpers/notification-receiver';
import { waitFor } from '../../helpers/wait';

const ROOM = 'room.alpha@contoso.com';
const times = {
  start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
  end: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
};

interface BatchResponse {
  responses: {
    id: string;
    status: number;
    headers: Record<string, string>;
    body?: { id?: string; expirationDateTime?: string; error?: { code: string } };
  }[];
}

describe('Graph emulator: $batch, throttling and fault injection', () => {
  let emulator: GraphEmulator;
  let client: Client;
  let token: string;
  let receiver: Receiver;
  before(async () => {
    emulator = await startGraphEmulator({ subscriptions: { batchWindowMs: 20, retryDelaysMs: [] } });
    receiver = await startReceiver();
  });
  beforeEach(async () => {
    emulator.reset();
    receiver.items.length = 0;
    emulator.directory.add({ email: ROOM, displayName: 'Room Alpha', kind: 'room' });
    token = await fetchToken(emulator.url);
    client = graphClient(emulator.url, token);
  });
  after(async () => {
    await receiver.close();
    await emulator.stop();
  });

  const raw = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${emulator.url}/v1.0${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  const control = (path: string, method: string, body?: unknown): Promise<Response> =>
    fetch(`${emulator.url}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('answers each request of a batch on its own, with 424 for a request whose dependency failed', async () => {
    const result = (await client.api('/$batch').post({
      requests: [
        {
          id: '1',
          method: 'POST',
          url: `/users/${ROOM}/events`,
          headers: { 'Content-Type': 'application/json' },
          body: { subject: 'batched', ...times },
        },
        { id: '2', method: 'GET', url: `/users/${ROOM}/events/AAMkAbm9uZQ` },
        { id: '3', method: 'GET', url: `/users/${ROOM}/events`, dependsOn: ['2'] },
      ],
    })) as BatchResponse;
    const byId = new Map(result.responses.map((r) => [r.id, r]));
    assert.equal(byId.get('1')?.status, 201);
    assert.ok(byId.get('1')?.body?.id);
    assert.equal(byId.get('2')?.status, 404);
    assert.equal(byId.get('3')?.status, 424);
    assert.equal(byId.get('1')?.headers['Content-Type']?.startsWith('application/json'), true);
    assert.equal(emulator.stats().total, 1, 'one HTTP request');
  });

  it('refuses a whole batch with a write lacking Content-Type or a body, before anything runs', async () => {
    const post = (extra: object) => ({
      id: '2',
      method: 'POST',
      url: `/users/${ROOM}/events`,
      ...extra,
    });
    const good = {
      id: '1',
      method: 'POST',
      url: `/users/${ROOM}/events`,
      headers: { 'content-type': 'application/json' },
      body: { subject: 'would run', ...times },
    };
    for (const bad of [post({ body: { subject: 'no content type', ...times } }), post({})]) {
      const res = await raw('/$batch', { method: 'POST', body: JSON.stringify({ requests: [good, bad] }) });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.match(body.error.message, /Write request id : 2 does not contain Content-Type header or body/);
    }
    assert.equal(emulator.stats().byRoute['POST /users/{user}/events'] ?? 0, 0, 'nothing ran');
    // A DELETE needs no body.
    const del = await raw('/$batch', {
      method: 'POST',
      body: JSON.stringify({
        requests: [{ id: '1', method: 'DELETE', url: `/users/${ROOM}/events/AAMkAbm9uZQ` }],
      }),
    });
    assert.equal(del.status, 200);
  });

  it('takes request ids without regard to case: duplicates and dependsOn', async () => {
    const get = { method: 'GET', url: `/users/${ROOM}` };
    const duplicated = await raw('/$batch', {
      method: 'POST',
      body: JSON.stringify({
        requests: [
          { id: 'a', ...get },
          { id: 'A', ...get },
        ],
      }),
    });
    assert.equal(duplicated.status, 400);
    const ordered = (await client.api('/$batch').post({
      requests: [
        { id: 'First', ...get },
        { id: 'second', ...get, dependsOn: ['FIRST'] },
      ],
    })) as BatchResponse;
    assert.deepEqual(ordered.responses.map((r) => [r.id, r.status]).sort(), [
      ['First', 200],
      ['second', 200],
    ]);
  });

  it('answers a throttled subscription renewal inside the batch with its own 429 and Retry-After', async () => {
    const created = (await client.api('/subscriptions').post({
      changeType: 'created',
      notificationUrl: receiver.url,
      resource: `users/${ROOM}/events`,
      expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
    })) as { id: string };
    await control('faults', 'POST', {
      errors: [{ route: 'PATCH /subscriptions/{id}', status: 429, count: 1, retryAfterSeconds: 3 }],
    });
    const expirationDateTime = new Date(Date.now() + 7_200_000).toISOString();
    const patch = (id: string) => ({
      id,
      method: 'PATCH',
      url: `/subscriptions/${created.id}`,
      headers: { 'Content-Type': 'application/json' },
      body: { expirationDateTime },
    });
    const result = (await client.api('/$batch').post({
      requests: [patch('1'), patch('2'), { ...patch('3'), url: '/subscriptions/gone' }],
    })) as BatchResponse;
    const byId = new Map(result.responses.map((r) => [r.id, r]));
    const statuses = [byId.get('1')?.status, byId.get('2')?.status].sort();
    assert.deepEqual(statuses, [200, 429]);
    const throttled = result.responses.find((r) => r.status === 429);
    assert.equal(throttled?.headers['Retry-After'], '3');
    assert.equal(byId.get('3')?.status, 404);
    assert.equal(
      result.responses.find((r) => r.status === 200)?.body?.expirationDateTime,
      expirationDateTime,
    );
  });

  it('refuses a batch of more than 20 requests', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: 'GET',
      url: `/users/${ROOM}`,
    }));
    const res = await raw('/$batch', { method: 'POST', body: JSON.stringify({ requests }) });
    assert.equal(res.status, 400);
  });

  it('answers 429 with Retry-After once a mailbox has used its request budget for the window', async () => {
    await control('limits', 'POST', { requestsPerWindow: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i += 1) assert.equal((await raw(`/users/${ROOM}/events`)).status, 200);
    const throttled = await raw(`/users/${ROOM}/events`);
    assert.equal(throttled.status, 429);
    assert.ok(Number(throttled.headers.get('retry-after')) > 0);
    assert.equal(
      ((await throttled.json()) as { error: { code: string } }).error.code,
      'ApplicationThrottled',
    );
    assert.equal(emulator.stats().throttled, 1);
  });

  it('allows 4 concurrent requests per mailbox; the fifth and sixth get 429, also inside a batch', async () => {
    await control('faults', 'POST', { latencyMs: 150 });
    const statuses = await Promise.all(
      Array.from({ length: 6 }, async () => (await raw(`/users/${ROOM}/events`)).status),
    );
    assert.deepEqual(statuses.filter((s) => s === 200).length, 4);
    assert.deepEqual(statuses.filter((s) => s === 429).length, 2);

    const batch = (await client.api('/$batch').post({
      requests: Array.from({ length: 6 }, (_, i) => ({
        id: String(i),
        method: 'GET',
        url: `/users/${ROOM}/events`,
      })),
    })) as BatchResponse;
    const throttled = batch.responses.filter((r) => r.status === 429);
    assert.equal(
      throttled.length,
      2,
      'Graph executes batched requests concurrently, so the limit applies inside',
    );
    assert.ok(throttled.every((r) => r.headers['Retry-After'] !== undefined));
  });

  it('counts the peak in flight per mailbox (admitted, and as sent) and tells its 429s apart by cause', async () => {
    const OTHER = 'room.beta@contoso.com';
    emulator.directory.add({ email: OTHER, displayName: 'Room Beta', kind: 'room' });
    await control('faults', 'POST', { latencyMs: 150 });
    const burst = (mailbox: string, n: number): Promise<number[]> =>
      Promise.all(Array.from({ length: n }, async () => (await raw(`/users/${mailbox}/events`)).status));
    // A client keeping to the limit: 4 at once in one mailbox, 3 in another.
    await Promise.all([burst(ROOM, 4), burst(OTHER, 3)]);
    let stats = emulator.stats();
    assert.deepEqual(stats.peakInFlight, { [ROOM]: 4, [OTHER]: 3 });
    assert.deepEqual(stats.peakAttempted, { [ROOM]: 4, [OTHER]: 3 });
    assert.equal(stats.throttled, 0);

    // One that is not: 6 at once; the two over the limit are refused, and the attempt shows.
    const statuses = await burst(ROOM, 6);
    assert.equal(statuses.filter((s) => s === 429).length, 2);
    stats = emulator.stats();
    assert.equal(stats.peakInFlight[ROOM], 4, 'admitted requests never exceed the limit');
    assert.equal(stats.peakAttempted[ROOM], 5, 'each refused request arrives to 4 admitted ones');
    assert.deepEqual(stats.concurrencyThrottledByMailbox, { [ROOM]: 2 });

    // A budget 429 and an injected one are counted under their own causes.
    await control('faults', 'POST', {
      errors: [{ route: 'GET /users/{user}/events', mailbox: OTHER, status: 429, count: 1 }],
    });
    assert.equal((await raw(`/users/${OTHER}/events`)).status, 429);
    await control('limits', 'POST', { requestsPerWindow: 1, windowMs: 60_000 });
    assert.equal((await raw(`/users/${OTHER}/events`)).status, 429);
    stats = emulator.stats();
    assert.deepEqual(stats.throttledBy, { concurrency: 2, requests: 1, injected: 1 });
    assert.equal(stats.throttled, 4);

    emulator.reset();
    stats = emulator.stats();
    assert.deepEqual(stats.peakInFlight, {});
    assert.deepEqual(stats.peakAttempted, {});
    assert.deepEqual(stats.throttledBy, { concurrency: 0, requests: 0, injected: 0 });
  });

  it('injects errors by route, with Retry-After, a limited number of times, until cleared', async () => {
    const created = (await client.api(`/users/${ROOM}/events`).post({ subject: 'x', ...times })) as {
      id: string;
    };
    await control('faults', 'POST', {
      errors: [{ route: 'GET /users/{user}/events/{id}', status: 503, count: 1, retryAfterSeconds: 7 }],
    });
    const failed = await raw(`/users/${ROOM}/events/${created.id}`);
    assert.equal(failed.status, 503);
    assert.equal(failed.headers.get('retry-after'), '7');
    assert.equal((await raw(`/users/${ROOM}/events/${created.id}`)).status, 200);
    await control('faults', 'POST', { errors: [{ status: 500 }] });
    assert.equal((await raw(`/users/${ROOM}/events`)).status, 500);
    assert.equal((await control('faults', 'DELETE')).status, 204);
    assert.equal((await raw(`/users/${ROOM}/events`)).status, 200);
  });

  it('drops, duplicates and reorders notifications on request', async () => {
    await client.api('/subscriptions').post({
      changeType: 'created',
      notificationUrl: receiver.url,
      resource: `users/${ROOM}/events`,
      expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const create = (subject: string): Promise<unknown> =>
      client.api(`/users/${ROOM}/events`).post({ subject, ...times });

    await control('faults', 'POST', { notifications: { drop: 1 } });
    await create('dropped');
    await emulator.subscriptions.flush();
    assert.equal(receiver.items.length, 0);

    await control('faults', 'POST', { notifications: { duplicate: 1 } });
    await create('twice');
    await emulator.subscriptions.flush();
    await waitFor('two copies', () => receiver.items.length === 2);

    receiver.items.length = 0;
    await control('faults', 'POST', { notifications: { reorder: true } });
    const first = (await client.api(`/users/${ROOM}/events`).post({ subject: 'a', ...times })) as {
      id: string;
    };
    const second = (await client.api(`/users/${ROOM}/events`).post({ subject: 'b', ...times })) as {
      id: string;
    };
    await emulator.subscriptions.flush();
    await waitFor('both notifications', () => receiver.items.length === 2);
    const ids = receiver.items.map(({ item }) => (item.resourceData as { id: string }).id);
    assert.deepEqual(ids, [second.id, first.id]);
  });
});
