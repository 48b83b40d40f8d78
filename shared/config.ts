import { z } from 'zod';
import type { GraphAuth } from './graph/credentials';
import type { LogLevel } from './telemetry/logger';
import type { WorkplaceAuth } from './workplace/auth';

/**
 * The service's settings, read once from the environment (app settings in Azure, `local.settings.json` or
 * the shell locally) and validated as a whole, so a bad deployment fails at start-up with one message that
 * names every bad setting instead of failing later on the first request that needs one of them.
 */
export interface Config {
  storage: StorageConfig;
  graph: GraphConfig;
  workplace: WorkplaceConfig;
  /** The service's own public base URL: Graph posts change notifications under it. */
  publicUrl: string;
  syncHorizonDays: number;
  /**
   * How long after a meeting reaches Workplace roomsync looks for the copies of rooms that have not
   * notified: Exchange's booking assistant answers within seconds to a minute, and a room that declined
   * at invitation never holds a copy (so never notifies).
   */
  roomCheckDelaySeconds: number;
  logLevel: LogLevel;
  telemetry: TelemetryConfig;
}

/**
 * Export to Application Insights (OpenTelemetry), on when a connection string is set: the same two
 * settings the Functions host reads, so host and app report to one resource the same way.
 */
export interface TelemetryConfig {
  connectionString: string | undefined;
  /** Entra ID (managed identity) instead of the instrumentation key, for a resource with local auth off. */
  entraAuth: { clientId: string | undefined } | undefined;
}

/** How the service reaches Graph: where, and as which app (secret, certificate or managed identity). */
export interface GraphConfig {
  baseUrl: string;
  auth: GraphAuth;
}

/** How the service reaches Workplace, and the secret its webhooks are signed with. */
export interface WorkplaceConfig {
  baseUrl: string;
  auth: WorkplaceAuth;
  webhookSecret: string;
}

/**
 * Storage is reached through the Functions host's own connection, `AzureWebJobsStorage`, either as a
 * connection string (Azurite, or a key-based account) or as an identity-based connection in the Functions
 * convention (`AzureWebJobsStorage__accountName`, or explicit service URIs) used with a managed identity.
 */
export type StorageConfig =
  | { kind: 'connectionString'; connectionString: string; allowInsecure: boolean }
  | {
      kind: 'identity';
      queueServiceUrl: string;
      tableServiceUrl: string;
      managedIdentityClientId: string | undefined;
    };

export type Environment = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

interface Setting<T> {
  /** Shown in errors: what a valid value looks like. */
  expects: string;
  /** Secret values are never echoed back in an error message. */
  secret: boolean;
  parse: (raw: string | undefined) => T;
}

class SettingProblem extends Error {}

function optionalInt(defaultValue: number, min: number, max: number): (raw: string | undefined) => number {
  const schema = z.coerce.number().int().min(min).max(max);
  return (raw) => {
    if (raw === undefined || raw.trim() === '') return defaultValue;
    if (!/^\s*-?\d+\s*$/.test(raw)) throw new SettingProblem('not an integer');
    const result = schema.safeParse(raw);
    if (!result.success) throw new SettingProblem('out of range');
    return result.data;
  };
}

function optionalEnum<const T extends string>(values: readonly [T, ...T[]], defaultValue: T) {
  const schema = z.enum(values);
  return (raw: string | undefined): T => {
    if (raw === undefined || raw.trim() === '') return defaultValue;
    const result = schema.safeParse(raw.trim().toLowerCase());
    if (!result.success) throw new SettingProblem('not one of the allowed values');
    return result.data;
  };
}

const settings = {
  ROOMSYNC_SYNC_HORIZON_DAYS: {
    expects: 'an integer number of days from 1 to 1825 (Graph calendarView limit); default 365',
    secret: false,
    parse: optionalInt(365, 1, 1825),
  },
  ROOMSYNC_ROOM_CHECK_DELAY_SECONDS: {
    expects: 'an integer number of seconds from 1 to 3600; default 120',
    secret: false,
    parse: optionalInt(120, 1, 3600),
  },
  ROOMSYNC_LOG_LEVEL: {
    expects: 'one of debug, info, warn, error; default info',
    secret: false,
    parse: optionalEnum(['debug', 'info', 'warn', 'error'], 'info'),
  },
} satisfies Record<string, Setting<unknown>>;

const STORAGE_EXPECTS =
  'a storage connection string (UseDevelopmentStorage=true, or AccountName and AccountKey, or ' +
  'SharedAccessSignature with QueueEndpoint and TableEndpoint), or an identity-based connection ' +
  '(AzureWebJobsStorage__accountName, or AzureWebJobsStorage__queueServiceUri and __tableServiceUri)';

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

function parseStorage(env: Environment): StorageConfig {
  const connectionString = env.AzureWebJobsStorage?.trim();
  if (connectionString) {
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
    return { kind: 'connectionString', connectionString, allowInsecure };
  }

  const accountName = env.AzureWebJobsStorage__accountName?.trim();
  const queueUri = env.AzureWebJobsStorage__queueServiceUri?.trim();
  const tableUri = env.AzureWebJobsStorage__tableServiceUri?.trim();
  const clientId = env.AzureWebJobsStorage__clientId?.trim() || undefined;
  if (queueUri && tableUri) {
    if (!URL.canParse(queueUri) || !URL.canParse(tableUri))
      throw new SettingProblem('service URI is not a URL');
    return {
      kind: 'identity',
      queueServiceUrl: queueUri,
      tableServiceUrl: tableUri,
      managedIdentityClientId: clientId,
    };
  }
  if (accountName) {
    if (!/^[a-z0-9]{3,24}$/.test(accountName)) {
      throw new SettingProblem('accountName must be 3-24 lowercase letters and digits');
    }
    return {
      kind: 'identity',
      queueServiceUrl: `https://${accountName}.queue.core.windows.net`,
      tableServiceUrl: `https://${accountName}.table.core.windows.net`,
      managedIdentityClientId: clientId,
    };
  }
  throw new SettingProblem('missing');
}

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])$/;

/** An absolute URL; HTTPS unless it is loopback (the emulators and the local host in development). */
function url(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) throw new SettingProblem('missing');
  if (!URL.canParse(value)) throw new SettingProblem('not a URL');
  const parsed = new URL(value);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname))) {
    throw new SettingProblem('must be https (http only on loopback)');
  }
  return value.replace(/\/+$/, '');
}

function required(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) throw new SettingProblem('missing');
  return value;
}

function optional(raw: string | undefined): string | undefined {
  return raw?.trim() || undefined;
}

interface SettingReader {
  read<T>(
    name: string,
    expects: string,
    secret: boolean,
    parse: (raw: string | undefined) => T,
  ): T | undefined;
}

function parseGraph(env: Environment, r: SettingReader): GraphConfig | undefined {
  const baseUrl = r.read(
    'GRAPH_BASE_URL',
    'the Graph endpoint; default https://graph.microsoft.com',
    false,
    (raw) => (raw?.trim() ? url(raw) : 'https://graph.microsoft.com'),
  );
  const kind = r.read(
    'GRAPH_AUTH',
    'one of clientSecret, certificate, managedIdentity; default clientSecret',
    false,
    (raw) => {
      const value = raw?.trim() || 'clientSecret';
      if (value !== 'clientSecret' && value !== 'certificate' && value !== 'managedIdentity') {
        throw new SettingProblem('not one of the allowed values');
      }
      return value;
    },
  );
  if (kind === 'managedIdentity') {
    const clientId = optional(env.GRAPH_CLIENT_ID);
    return baseUrl === undefined ? undefined : { baseUrl, auth: { kind, ...(clientId ? { clientId } : {}) } };
  }
  const tenantId = r.read(
    'GRAPH_TENANT_ID',
    'the Entra tenant id or domain of the app registration',
    false,
    required,
  );
  const clientId = r.read(
    'GRAPH_CLIENT_ID',
    'the application (client) id of the app registration',
    false,
    required,
  );
  const authorityHost = r.read(
    'GRAPH_AUTHORITY_HOST',
    'the token authority (set only for the Graph emulator)',
    false,
    (raw) => (raw?.trim() ? url(raw) : undefined),
  );
  const credential =
    kind === 'certificate'
      ? r.read(
          'GRAPH_CLIENT_CERTIFICATE_PATH',
          'the path of a PEM file with the certificate and its private key',
          false,
          required,
        )
      : r.read('GRAPH_CLIENT_SECRET', 'the client secret of the app registration', true, required);
  if (!baseUrl || !tenantId || !clientId || !credential || !kind) return undefined;
  const extra = authorityHost ? { authorityHost } : {};
  return kind === 'certificate'
    ? { baseUrl, auth: { kind, tenantId, clientId, certificatePath: credential, ...extra } }
    : { baseUrl, auth: { kind: 'clientSecret', tenantId, clientId, clientSecret: credential, ...extra } };
}

function parseWorkplace(env: Environment, r: SettingReader): WorkplaceConfig | undefined {
  const baseUrl = r.read('WORKPLACE_BASE_URL', 'the Workplace API base URL', false, url);
  const webhookSecret = r.read(
    'WORKPLACE_WEBHOOK_SECRET',
    'the shared secret Workplace signs webhooks with (at least 16 characters)',
    true,
    (raw) => {
      const value = required(raw);
      if (value.length < 16) throw new SettingProblem('too short');
      return value;
    },
  );
  let auth: WorkplaceConfig['auth'] | undefined;
  if (optional(env.WORKPLACE_API_KEY)) {
    auth = { kind: 'apiKey', apiKey: optional(env.WORKPLACE_API_KEY) ?? '' };
  } else {
    const tokenUrl = r.read(
      'WORKPLACE_TOKEN_URL',
      'the OAuth2 token endpoint (or set WORKPLACE_API_KEY instead)',
      false,
      url,
    );
    const clientId = r.read('WORKPLACE_CLIENT_ID', 'the OAuth2 client id for Workplace', false, required);
    const clientSecret = r.read(
      'WORKPLACE_CLIENT_SECRET',
      'the OAuth2 client secret for Workplace',
      true,
      required,
    );
    if (tokenUrl && clientId && clientSecret)
      auth = { kind: 'clientCredentials', tokenUrl, clientId, clientSecret };
  }
  return baseUrl && webhookSecret && auth ? { baseUrl, auth, webhookSecret } : undefined;
}

function describeProblem(
  name: string,
  setting: { expects: string; secret: boolean },
  raw: string | undefined,
  problem: string,
): string {
  const got = raw === undefined || setting.secret ? problem : `${problem} (got ${JSON.stringify(raw)})`;
  return `${name}: ${got}; expected ${setting.expects}`;
}

/** Only the storage connection (for tools and tests that need nothing else). */
export function loadStorageConfig(env: Environment): StorageConfig {
  try {
    return parseStorage(env);
  } catch (err) {
    if (!(err instanceof SettingProblem)) throw err;
    throw new ConfigError([
      describeProblem(
        'AzureWebJobsStorage',
        { expects: STORAGE_EXPECTS, secret: true },
        undefined,
        err.message,
      ),
    ]);
  }
}

function parseTelemetry(env: Environment): TelemetryConfig {
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim() || undefined;
  if (connectionString && !parseConnectionString(connectionString).has('instrumentationkey'))
    throw new SettingProblem('APPLICATIONINSIGHTS_CONNECTION_STRING has no InstrumentationKey');
  const auth = env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING?.trim();
  if (!auth) return { connectionString, entraAuth: undefined };
  const parts = parseConnectionString(auth);
  if (parts.get('authorization')?.toLowerCase() !== 'aad')
    throw new SettingProblem(
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING is not Authorization=AAD[;ClientId=…]',
    );
  return { connectionString, entraAuth: { clientId: parts.get('clientid') || undefined } };
}

const TELEMETRY_EXPECTS =
  'APPLICATIONINSIGHTS_CONNECTION_STRING: an Application Insights connection string ' +
  '(InstrumentationKey=…;IngestionEndpoint=…), or unset for no export; ' +
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING: Authorization=AAD, optionally ;ClientId=<user-assigned identity>';

/** Only the telemetry settings (read before anything else, by shared/telemetry/boot.ts). */
export function loadTelemetryConfig(env: Environment): TelemetryConfig {
  try {
    return parseTelemetry(env);
  } catch (err) {
    if (!(err instanceof SettingProblem)) throw err;
    throw new ConfigError([`${err.message}; expected ${TELEMETRY_EXPECTS}`]);
  }
}

/** Reads and validates every setting; throws one ConfigError listing all problems. */
export function loadConfig(env: Environment): Config {
  const problems: string[] = [];

  function read<T>(name: keyof typeof settings, setting: Setting<T>): T | undefined {
    const raw = env[name];
    try {
      return setting.parse(raw);
    } catch (err) {
      if (!(err instanceof SettingProblem)) throw err;
      problems.push(describeProblem(name, setting, raw, err.message));
      return undefined;
    }
  }

  let storage: StorageConfig | undefined;
  try {
    storage = parseStorage(env);
  } catch (err) {
    if (!(err instanceof SettingProblem)) throw err;
    problems.push(
      describeProblem(
        'AzureWebJobsStorage',
        { expects: STORAGE_EXPECTS, secret: true },
        undefined,
        err.message,
      ),
    );
  }
  const reader: SettingReader = {
    read(name, expects, secret, parse) {
      const raw = env[name];
      try {
        return parse(raw);
      } catch (err) {
        if (!(err instanceof SettingProblem)) throw err;
        problems.push(describeProblem(name, { expects, secret }, raw, err.message));
        return undefined;
      }
    },
  };
  const graph = parseGraph(env, reader);
  const workplace = parseWorkplace(env, reader);
  const publicUrl = reader.read(
    'ROOMSYNC_PUBLIC_URL',
    'the base URL at which Graph reaches this app (https; http only on loopback)',
    false,
    url,
  );
  const syncHorizonDays = read('ROOMSYNC_SYNC_HORIZON_DAYS', settings.ROOMSYNC_SYNC_HORIZON_DAYS);
  const roomCheckDelaySeconds = read(
    'ROOMSYNC_ROOM_CHECK_DELAY_SECONDS',
    settings.ROOMSYNC_ROOM_CHECK_DELAY_SECONDS,
  );
  const logLevel = read('ROOMSYNC_LOG_LEVEL', settings.ROOMSYNC_LOG_LEVEL);
  let telemetry: TelemetryConfig | undefined;
  try {
    telemetry = parseTelemetry(env);
  } catch (err) {
    if (!(err instanceof SettingProblem)) throw err;
    problems.push(`${err.message}; expected ${TELEMETRY_EXPECTS}`);
  }

  if (
    problems.length > 0 ||
    storage === undefined ||
    graph === undefined ||
    workplace === undefined ||
    publicUrl === undefined ||
    syncHorizonDays === undefined ||
    roomCheckDelaySeconds === undefined ||
    logLevel === undefined ||
    telemetry === undefined
  ) {
    throw new ConfigError(problems);
  }
  return {
    storage,
    graph,
    workplace,
    publicUrl,
    syncHorizonDays,
    roomCheckDelaySeconds,
    logLevel,
    telemetry,
  };
}
