import { randomBytes } from 'node:crypto';
import { GraphError } from './errors';

const TOKEN_LIFETIME_SECONDS = 3599;

interface IssuedToken {
  clientId: string;
  tenantId: string;
  expiresAt: number;
}

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

/**
 * The Microsoft identity platform's client-credentials token endpoint, reduced to what an app-only
 * daemon uses, and Graph's check of the bearer token on every call.
 */
export class TokenIssuer {
  private readonly tokens = new Map<string, IssuedToken>();

  issue(tenantId: string, form: URLSearchParams): Record<string, unknown> {
    if (form.get('grant_type') !== 'client_credentials') {
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        'AADSTS70003: The app requested an unsupported grant type.',
      );
    }
    const clientId = form.get('client_id');
    if (!clientId)
      throw new OAuthError(
        400,
        'invalid_request',
        "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
      );
    const scope = form.get('scope') ?? '';
    if (!scope.split(' ').some((s) => s.endsWith('/.default'))) {
      throw new OAuthError(
        400,
        'invalid_scope',
        'AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
      );
    }
    if (!form.get('client_secret') && !form.get('client_assertion')) {
      throw new OAuthError(
        401,
        'invalid_client',
        'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.',
      );
    }
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, {
      clientId,
      tenantId,
      expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000,
    });
    return {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: accessToken,
    };
  }

  /** Throws Graph's 401 unless the Authorization header carries a live token this issuer gave out. */
  check(authorization: string | undefined): void {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
    if (!token) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const issued = this.tokens.get(token);
    if (!issued)
      throw new GraphError(
        401,
        'InvalidAuthenticationToken',
        'IDX14100: JWT is not well formed, there are no dots (.).',
      );
    if (issued.expiresAt <= Date.now()) {
      throw new GraphError(
        401,
        'InvalidAuthenticationToken',
        'Lifetime validation failed, the token is expired.',
      );
    }
  }

  clear(): void {
    this.tokens.clear();
  }
}
