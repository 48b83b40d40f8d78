import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../../emulators/workplace/server';
import { api, booking, control, seedRooms, type ErrorBody, type ReservationBody } from './helpers';

describe('Workplace emulator: faults, stats and reset', () => {
  let emulator: WorkplaceEmulator;
  let client: ReturnType<typeof api>;
  before(async () => {
    emulator = await startWorkplaceEmulator();
    client = api(emulator);
  });
  beforeEach(async () => {
    emulator.reset();
    await seedRooms(emulator);
  });
  after(() => emulator.stop());

  it('answers a faulted route with the contract error shape and Retry-After, at most count times', async () => {
    const set = await control(emulator, 'faults', 'POST', {
      errors: [{ route: 'GET /reservations/{id}', status: 429, count: 2, retryAfterSeconds: 7 }],
    });
    assert.equal(set.status, 200);
    const created = await client.json<ReservationBody>('POST', '/reservations', booking());
    assert.equal(created.status, 201, 'other routes are untouched');
    const path = `/reservations/${created.body.id}`;
    for (let i = 0; i < 2; i += 1) {
      const throttled = await client.json<ErrorBody>('GET', path);
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers.get('retry-after'), '7');
      assert.equal(typeof throttled.body.error.code, 'string');
      assert.equal(typeof throttled.body.error.message, 'string');
    }
    assert.equal((await client.call('GET', path)).status, 200);

    await control(emulator, 'faults', 'POST', { errors: [{ status: 503 }] });
    assert.equal((await client.call('GET', '/rooms')).status, 503);
    assert.equal((await control(emulator, 'faults', 'DELETE')).status, 204);
    assert.equal((await client.call('GET', '/rooms')).status, 200);
  });

  it('refuses a fault description it does not understand', async () => {
    const response = await control(emulator, 'faults', 'POST', { errors: [{ status: 418 }] });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as ErrorBody).error.field, 'errors.0.status');
  });

  it('adds latency', async () => {
    await control(emulator, 'faults', 'POST', { latencyMs: 100 });
    const started = Date.now();
    await client.call('GET', '/rooms');
    assert.ok(Date.now() - started >= 95);
  });

  it('counts requests by route template and forgets everything on reset', async () => {
    const created = await client.json<ReservationBody>('POST', '/reservations', booking());
    await client.call('GET', `/reservations/${created.body.id}`);
    await client.call('GET', '/reservations/r-404');
    await client.call('GET', '/rooms');
    const stats = (await (await control(emulator, 'stats', 'GET')).json()) as {
      total: number;
      byRoute: Record<string, number>;
    };
    assert.equal(stats.total, 4);
    assert.deepEqual(stats.byRoute, {
      'POST /reservations': 1,
      'GET /reservations/{id}': 2,
      'GET /rooms': 1,
    });

    assert.equal((await control(emulator, 'reset', 'POST')).status, 204);
    const after = (await (await control(emulator, 'stats', 'GET')).json()) as { total: number };
    assert.equal(after.total, 0);
    const rooms = await client.json<{ items: unknown[] }>('GET', '/rooms');
    assert.deepEqual(rooms.body.items, []);
    assert.equal((await client.call('GET', `/reservations/${created.body.id}`)).status, 404);
  });

  it('refuses a duplicate room and an unknown control route', async () => {
    const again = await control(emulator, 'rooms', 'POST', { id: 'room-1', name: 'Again', timeZone: 'UTC' });
    assert.equal(again.status, 409);
    const badZone = await control(emulator, 'rooms', 'POST', {
      id: 'room-3',
      name: 'Three',
      timeZone: 'Nowhere',
    });
    assert.equal(badZone.status, 400);
    assert.equal((await control(emulator, 'nothing', 'POST')).status, 404);
    assert.equal((await control(emulator, 'stats', 'POST')).status, 405);
  });
});
