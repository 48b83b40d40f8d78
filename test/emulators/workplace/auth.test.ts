import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../../emulators/workplace/server';
import { api, seedRooms, type ErrorBody } from './helpers';

const tokenRequest = (emulator: WorkplaceEmulator, form: Record<string, string>): Promise<Response> =>
  fetch(`${emulator.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });

describe('Workplace emulator: auth', () => {
  let emulator: WorkplaceEmulator;
  before(async () => {
    emulator = await startWorkplaceEmulator({ tokenLifetimeSeconds: 1 });
  });
  beforeEach(async () => {
    emulator.reset();
    await seedRooms(emulator);
  });
  after(() => emulator.stop());

  it('issues client-credentials tokens that open the API until they expire', async () => {
    const response = await tokenRequest(emulator, {
      grant_type: 'client_credentials',
      client_id: 'roomsync',
      client_secret: 'secret',
    });
    assert.equal(response.status, 200);
    const token = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
    assert.equal(token.token_type, 'Bearer');
    assert.equal(token.expires_in, 1);
    const rooms = await api(emulator, token.access_token).json<{ items: { id: string }[] }>('GET', '/rooms');
    assert.equal(rooms.status, 200);
    assert.deepEqual(
      rooms.body.items.map((room) => room.id),
      ['room-1', 'room-2'],
    );

    await new Promise((resolve) => setTimeout(resolve, 1050));
    const expired = await api(emulator, token.access_token).json<ErrorBody>('GET', '/rooms');
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error.code, 'unauthorized');
  });

  it('refuses a token request the contract forbids, naming the field', async () => {
    const missing = await tokenRequest(emulator, { grant_type: 'client_credentials', client_id: 'roomsync' });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as ErrorBody).error.field, 'client_secret');
    const grant = await tokenRequest(emulator, {
      grant_type: 'password',
      client_id: 'a',
      client_secret: 'b',
    });
    assert.equal(grant.status, 400);
    assert.equal(((await grant.json()) as ErrorBody).error.field, 'grant_type');
  });

  it('accepts the static API key and refuses a missing or unknown token with 401', async () => {
    assert.equal((await api(emulator).call('GET', '/rooms')).status, 200);
    const unknown = await api(emulator, 'not-a-token').json<ErrorBody>('GET', '/reservations/r-1');
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error.code, 'unauthorized');
    const none = await fetch(`${emulator.url}/rooms`);
    assert.equal(none.status, 401);
  });

  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    assert.equal((await api(emulator).call('GET', '/nowhere')).status, 404);
    const wrong = await api(emulator).call('PATCH', '/reservations/r-1');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET, PUT, DELETE');
  });
});
