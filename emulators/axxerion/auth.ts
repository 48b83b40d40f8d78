import type { Profile } from './profile';

/**
 * HTTP Basic with the tenant's API user (notes item 6): user name and password compared exactly (S1b
 * marks the user name case-sensitive). Nothing else is accepted, a bearer token included. Repeated
 * failures lock the user name for a while when the profile asks for it, right password or not.
 */
export class BasicAuth {
  private readonly failures = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();

  check(authorization: string | undefined, profile: Profile, now: number): boolean {
    const credentials = decode(authorization);
    const user = credentials?.user ?? '';
    if ((this.lockedUntil.get(user) ?? 0) > now) return false;
    if (credentials && credentials.user === profile.user && credentials.password === profile.password)
      return true;
    this.fail(user, profile, now);
    return false;
  }

  reset(): void {
    this.failures.clear();
    this.lockedUntil.clear();
  }

  private fail(user: string, profile: Profile, now: number): void {
    const { lockout } = profile;
    if (!lockout) return;
    const recent = [...(this.failures.get(user) ?? []), now].filter((at) => at > now - lockout.windowMs);
    this.failures.set(user, recent);
    if (recent.length >= lockout.failures) {
      this.lockedUntil.set(user, now + lockout.lockMs);
      this.failures.delete(user);
    }
  }
}

function decode(authorization: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
