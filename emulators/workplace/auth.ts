import { randomBytes } from 'node:crypto';
import { ApiError } from './errors';

/**
 * Client-credentials tokens and the bearer check. Any client id and secret are accepted (there is no
 * client registry to emulate); the form itself is checked by the contract before it gets here.
 */
export class TokenIssuer {
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly apiKey: string,
    private readonly lifetimeSeconds: number,
  ) {}

  issue(): { access_token: string; token_type: 'Bearer'; expires_in: number } {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, Date.now() + this.lifetimeSeconds * 1000);
    return { access_token: token, token_type: 'Bearer', expires_in: this.lifetimeSeconds };
  }

  check(authorization: string | undefined): void {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const token = match?.[1];
    if (token === undefined)
      throw new ApiError(401, 'unauthorized', 'An Authorization: Bearer <token> header is required.');
    if (token === this.apiKey) return;
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) throw new ApiError(401, 'unauthorized', 'The bearer token is not valid.');
    if (expiresAt <= Date.now()) {
      this.tokens.delete(token);
      throw new ApiError(401, 'unauthorized', 'The bearer token has expired.');
    }
  }

  reset(): void {
    this.tokens.clear();
  }
}
