import assert from 'node:assert/strict';
import { Client, GraphError } from '@microsoft/microsoft-graph-client';

/** A token from the emulator's client-credentials endpoint, as an app-only daemon gets one. */
export async function fetchToken(emulatorUrl: string, tenant = 'contoso'): Promise<string> {
  const res = await fetch(`${emulatorUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'roomsync-tests',
      client_secret: 'not-a-real-secret',
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The real Graph SDK client, pointed at the emulator (which it only trusts via NODE_EXTRA_CA_CERTS). */
export function graphClient(emulatorUrl: string, token: string | undefined): Client {
  return Client.initWithMiddleware({
    baseUrl: emulatorUrl,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(emulatorUrl).hostname]),
    authProvider: { getAccessToken: () => Promise.resolve(token ?? '') },
  });
}

/** The GraphError a call fails with; fails the test if the call succeeds or fails otherwise. */
export async function graphError(promise: Promise<unknown>): Promise<GraphError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof GraphError, `expected a GraphError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}
