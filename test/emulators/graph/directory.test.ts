import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { startGraphEmulator, type GraphEmulator } from '../../../emulators/graph/server';
import { fetchToken, graphClient, graphError } from '../../helpers/graph-client';

describe('Graph emulator: auth and directory (through the real Graph SDK client)', () => {
  let emulator: GraphEmulator;
  let token: string;
  before(async () => {
    emulator = await startGraphEmulator();
    token = await fetchToken(emulator.url);
  });
  after(async () => {
    await emulator.stop();
  });

  async function control(path: string, body?: unknown): Promise<Response> {
    return fetch(`${emulator.url}/_emulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  it('answers 401 InvalidAuthenticationToken without a bearer token, or with one it did not issue', async () => {
    const missing = await graphError(
      graphClient(emulator.url, undefined).api('/places/microsoft.graph.room').get(),
    );
    assert.equal(missing.statusCode, 401);
    assert.equal(missing.code, 'InvalidAuthenticationToken');
    const forged = await graphError(
      graphClient(emulator.url, 'forged').api('/places/microsoft.graph.room').get(),
    );
    assert.equal(forged.statusCode, 401);
  });

  it('serves the real @azure/identity client-credential flow (OpenID discovery, then the token endpoint)', async () => {
    const credential = new ClientSecretCredential('contoso-tenant', 'roomsync-app', 'a-secret', {
      authorityHost: emulator.url,
      disableInstanceDiscovery: true,
    });
    const client = Client.initWithMiddleware({
      baseUrl: emulator.url,
      customHosts: new Set([new URL(emulator.url).hostname]),
      authProvider: new TokenCredentialAuthenticationProvider(credential, {
        scopes: ['https://graph.microsoft.com/.default'],
      }),
    });
    const places = (await client.api('/places/microsoft.graph.room').get()) as { value: unknown[] };
    assert.ok(Array.isArray(places.value));
  });

  it('issues client-credential tokens only for a /.default scope', async () => {
    const res = await fetch(`${emulator.url}/contoso/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'a',
        client_secret: 'b',
        scope: 'Calendars.Read',
      }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_scope');
  });

  it('serves users by id or e-mail and lists rooms as places, whose id is not the user id', async () => {
    const created = await control('users', {
      email: 'Room.Alpha@contoso.com',
      displayName: 'Room Alpha',
      kind: 'room',
    });
    assert.equal(created.status, 201);
    const room = (await created.json()) as {
      id: string;
      room: { deleteSubject: boolean; bookingWindowInDays: number };
    };
    assert.deepEqual(
      [room.room.deleteSubject, room.room.bookingWindowInDays],
      [true, 180],
      'Exchange defaults',
    );
    await control('users', { email: 'ada@contoso.com', displayName: 'Ada Lovelace', kind: 'person' });

    const client = graphClient(emulator.url, token);
    const byEmail = (await client.api('/users/room.alpha@contoso.com').get()) as {
      id: string;
      mail: string;
      userPrincipalName: string;
    };
    assert.equal(byEmail.id, room.id);
    assert.equal(byEmail.mail, 'room.alpha@contoso.com');
    const byId = (await client.api(`/users/${room.id}`).get()) as { displayName: string };
    assert.equal(byId.displayName, 'Room Alpha');

    const places = (await client.api('/places/microsoft.graph.room').get()) as {
      value: { id: string; emailAddress: string }[];
    };
    assert.deepEqual(
      places.value.map((p) => p.emailAddress),
      ['room.alpha@contoso.com'],
    );
    assert.notEqual(places.value[0]?.id, room.id);
  });

  it("answers Entra ID's 404 for an unknown user, and refuses a bad control request naming the field", async () => {
    const error = await graphError(graphClient(emulator.url, token).api('/users/nobody@contoso.com').get());
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, 'Request_ResourceNotFound');
    const bad = await control('users', { email: 'not-an-email', displayName: 'x', kind: 'room' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /email/);
  });

  it('counts requests per route and per mailbox, and forgets everything on reset', async () => {
    const stats = emulator.stats();
    assert.ok((stats.byRoute['GET /users/{user}'] ?? 0) >= 2);
    assert.ok((stats.byMailbox['room.alpha@contoso.com'] ?? 0) >= 2);
    assert.equal((await control('reset')).status, 204);
    assert.equal(emulator.directory.all().length, 0);
    const stale = await graphError(
      graphClient(emulator.url, token).api('/places/microsoft.graph.room').get(),
    );
    assert.equal(stale.statusCode, 401, 'tokens are forgotten too');
  });
});
