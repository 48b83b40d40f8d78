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

export interface DeltaRound<T> {
  items: T[];
  deltaLink: string;
  pages: number;
}

/** One delta round as a sync client runs it: nextLinks followed to the deltaLink, pages of `pageSize`. */
export async function followDelta<T>(client: Client, url: string, pageSize: number): Promise<DeltaRound<T>> {
  const items: T[] = [];
  let next: string | undefined = url;
  let pages = 0;
  for (;;) {
    const page = (await client
      .api(next)
      .header('Prefer', `odata.maxpagesize=${String(pageSize)}`)
      .get()) as {
      value: T[];
      '@odata.nextLink'?: string;
      '@odata.deltaLink'?: string;
    };
    pages += 1;
    items.push(...page.value);
    if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'], pages };
    next = page['@odata.nextLink'];
    assert.ok(next, 'a page has either a nextLink or a deltaLink');
  }
}
