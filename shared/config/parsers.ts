import { z } from 'zod';
import { SettingProblem } from './setting';

/**
 * Parsers of one setting's value. Each takes the trimmed, non-blank value (the loader deals with unset
 * and defaults) and returns what the service uses, or throws SettingProblem saying in a few words what
 * is wrong.
 */

export function integer(min: number, max: number): (value: string) => number {
  const schema = z.coerce.number().int().min(min).max(max);
  return (value) => {
    if (!/^-?\d+$/.test(value)) throw new SettingProblem('not an integer');
    const result = schema.safeParse(value);
    if (!result.success) throw new SettingProblem('out of range');
    return result.data;
  };
}

/** One of `values`, in any letter case. */
export function oneOfAnyCase<const T extends string>(values: readonly [T, ...T[]]): (value: string) => T {
  const schema = z.enum(values);
  return (value) => {
    const result = schema.safeParse(value.toLowerCase());
    if (!result.success) throw new SettingProblem('not one of the allowed values');
    return result.data;
  };
}

/** One of `values`, spelt exactly. */
export function oneOf<const T extends string>(values: readonly [T, ...T[]]): (value: string) => T {
  return (value) => {
    const found = values.find((v) => v === value);
    if (found === undefined) throw new SettingProblem('not one of the allowed values');
    return found;
  };
}

export function text(value: string): string {
  return value;
}

export function atLeast(length: number): (value: string) => string {
  return (value) => {
    if (value.length < length) throw new SettingProblem('too short');
    return value;
  };
}

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])$/;

/** An absolute URL without trailing slashes; HTTPS unless it is loopback (emulators, the local host). */
export function httpsUrl(value: string): string {
  if (!URL.canParse(value)) throw new SettingProblem('not a URL');
  const parsed = new URL(value);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname))) {
    throw new SettingProblem('must be https (http only on loopback)');
  }
  return value.replace(/\/+$/, '');
}

/** Any absolute URL, as given. */
export function absoluteUrl(value: string): string {
  if (!URL.canParse(value)) throw new SettingProblem('not a URL');
  return value;
}

/** Parses `key=value;key=value` into a case-insensitive map; rejects anything else. */
export function parseConnectionString(value: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const segment of value.split(';')) {
    if (segment.trim() === '') continue;
    const eq = segment.indexOf('=');
    if (eq <= 0) throw new SettingProblem('not a key=value;… connection string');
    parts.set(segment.slice(0, eq).trim().toLowerCase(), segment.slice(eq + 1).trim());
  }
  if (parts.size === 0) throw new SettingProblem('empty');
  return parts;
}

/** A storage connection string with an account (key or SAS), or Azurite's shorthand. */
export function storageConnectionString(connectionString: string): {
  connectionString: string;
  allowInsecure: boolean;
} {
  const parts = parseConnectionString(connectionString);
  const devStorage = parts.get('usedevelopmentstorage')?.toLowerCase() === 'true';
  const keyBased = parts.has('accountname') && parts.has('accountkey');
  const sasBased =
    parts.has('sharedaccesssignature') && parts.has('queueendpoint') && parts.has('tableendpoint');
  if (!devStorage && !keyBased && !sasBased) {
    throw new SettingProblem('connection string lacks an account (AccountName/AccountKey) or a SAS');
  }
  for (const endpoint of ['queueendpoint', 'tableendpoint']) {
    const url = parts.get(endpoint);
    if (url !== undefined && !URL.canParse(url)) throw new SettingProblem(`${endpoint} is not a URL`);
  }
  const protocol = parts.get('defaultendpointsprotocol')?.toLowerCase();
  const endpoints = [parts.get('queueendpoint'), parts.get('tableendpoint')];
  const allowInsecure =
    devStorage || protocol === 'http' || endpoints.some((url) => url?.startsWith('http:') === true);
  return { connectionString, allowInsecure };
}

export function storageAccountName(value: string): string {
  if (!/^[a-z0-9]{3,24}$/.test(value)) {
    throw new SettingProblem('not 3-24 lowercase letters and digits');
  }
  return value;
}

export function appInsightsConnectionString(value: string): string {
  if (!parseConnectionString(value).has('instrumentationkey')) {
    throw new SettingProblem('no InstrumentationKey');
  }
  return value;
}

/** `Authorization=AAD[;ClientId=…]`: Entra ID auth, with a user-assigned identity when ClientId is given. */
export function appInsightsAuthentication(value: string): { clientId: string | undefined } {
  const parts = parseConnectionString(value);
  if (parts.get('authorization')?.toLowerCase() !== 'aad') {
    throw new SettingProblem('not Authorization=AAD[;ClientId=…]');
  }
  return { clientId: parts.get('clientid') || undefined };
}
