import { Unauthorized, UnexpectedAnswer } from './errors';
import { tokenSchema } from './schemas';

/** Where a Workplace bearer token comes from: a static API key, or OAuth2 client credentials. */
export type WorkplaceAuth =
  | { kind: 'apiKey'; apiKey: string }
  | { kind: 'clientCredentials'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string };

export interface TokenProvider {
  token(): Promise<string>;
  /** Forget the cached token (after a 401, in case it was revoked early). */
  invalidate(): void;
}

/** Renew this long before expiry, so a token never expires between being read and being used. */
const EARLY_RENEWAL_MS = 60_000;

export function tokenProvider(
  auth: WorkplaceAuth,
  fetchImpl: typeof fetch = fetch,
  now: () => number = Date.now,
): TokenProvider {
  if (auth.kind === 'apiKey')
    return { token: () => Promise.resolve(auth.apiKey), invalidate: () => undefined };
  const credentials = auth;
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  async function fetchToken(): Promise<string> {
    const res = await fetchImpl(credentials.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        ...(credentials.scope ? { scope: credentials.scope } : {}),
      }),
    });
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      // The body may echo the client id; the secret is never in it, but say only what is needed.
      throw new Unauthorized(
        'workplace',
        res.status,
        'token',
        `the Workplace token endpoint refused the client credentials (${String(res.status)})`,
      );
    }
    if (!res.ok)
      throw new UnexpectedAnswer(
        'workplace',
        res.status,
        'token',
        `the Workplace token endpoint answered ${String(res.status)}`,
      );
    const parsed = tokenSchema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success)
      throw new UnexpectedAnswer(
        'workplace',
        res.status,
        'token',
        'the Workplace token endpoint answered without an access token',
      );
    const lifetime = parsed.data.expires_in * 1000;
    cached = {
      token: parsed.data.access_token,
      renewAt: now() + Math.max(lifetime - EARLY_RENEWAL_MS, lifetime / 2),
    };
    return cached.token;
  }
  return {
    async token() {
      if (cached && now() < cached.renewAt) return cached.token;
      // Concurrent callers share one token request.
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
