import {
  DIMENSIONS,
  SETTINGS,
  graphSettings,
  serviceSettings,
  storageSettings,
  telemetrySettings,
  workplaceSettings,
} from './settings';
import {
  DIMENSION_NAMES,
  SettingProblem,
  describeProblem,
  evaluate,
  type Setting,
  type Variants,
} from './setting';
import {
  ConfigError,
  type Config,
  type Environment,
  type GraphConfig,
  type StorageConfig,
  type TelemetryConfig,
  type WorkplaceConfig,
} from './types';

/** Picks each dimension's variant from the settings that select it (all of them read, in every variant). */
export function selectVariants(env: Environment): Variants {
  const selecting = new Map<Setting<unknown>, string | undefined>();
  for (const name of DIMENSION_NAMES) {
    for (const s of DIMENSIONS[name].selectedBy) selecting.set(s, env[s.name]?.trim() || undefined);
  }
  const valueOf = (s: Setting<unknown>): string | undefined => {
    if (!selecting.has(s)) throw new Error(`${s.name} picks a variant but is not in its selectedBy`);
    return selecting.get(s);
  };
  return {
    graphAuth: DIMENSIONS.graphAuth.select(valueOf),
    workplaceAuth: DIMENSIONS.workplaceAuth.select(valueOf),
    storage: DIMENSIONS.storage.select(valueOf),
  };
}

/** The environment, once every setting it is read for is known to be valid. */
interface Reading {
  readonly variants: Variants;
  /** A checked setting's value (undefined when not read in this variant, or unset and optional). */
  value<T>(s: Setting<T>): T | undefined;
}

/** Checks `settings` in order; throws one ConfigError naming each bad one. */
function read(env: Environment, settings: readonly Setting<unknown>[]): Reading {
  const variants = selectVariants(env);
  const problems: string[] = [];
  for (const s of settings) {
    try {
      evaluate(s, env, variants);
    } catch (err) {
      if (!(err instanceof SettingProblem)) throw err;
      problems.push(describeProblem(s, env[s.name], err.message));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    variants,
    value: (s) => {
      if (!settings.includes(s)) throw new Error(`${s.name} was not checked before being used`);
      return evaluate(s, env, variants);
    },
  };
}

/** The value of a setting the registry requires (or gives a default) wherever this code reads it. */
function need<T>(reading: Reading, s: Setting<T>): T {
  const value = reading.value(s);
  if (value === undefined) throw new Error(`${s.name} is used here, but the registry lets it be unset`);
  return value;
}

function storageFrom(r: Reading): StorageConfig {
  const s = storageSettings;
  switch (r.variants.storage) {
    case 'connectionString':
      return { kind: 'connectionString', ...need(r, s.connectionString) };
    case 'accountName': {
      const account = need(r, s.accountName);
      return {
        kind: 'identity',
        queueServiceUrl: `https://${account}.queue.core.windows.net`,
        tableServiceUrl: `https://${account}.table.core.windows.net`,
        managedIdentityClientId: r.value(s.clientId),
      };
    }
    case 'serviceUris':
      return {
        kind: 'identity',
        queueServiceUrl: need(r, s.queueServiceUri),
        tableServiceUrl: need(r, s.tableServiceUri),
        managedIdentityClientId: r.value(s.clientId),
      };
  }
}

function graphFrom(r: Reading): GraphConfig {
  const s = graphSettings;
  const baseUrl = need(r, s.baseUrl);
  if (r.variants.graphAuth === 'managedIdentity') {
    const clientId = r.value(s.clientId);
    return { baseUrl, auth: { kind: 'managedIdentity', ...(clientId ? { clientId } : {}) } };
  }
  const tenantId = need(r, s.tenantId);
  const clientId = need(r, s.clientId);
  const authorityHost = r.value(s.authorityHost);
  const extra = authorityHost ? { authorityHost } : {};
  return r.variants.graphAuth === 'certificate'
    ? {
        baseUrl,
        auth: {
          kind: 'certificate',
          tenantId,
          clientId,
          certificatePath: need(r, s.certificatePath),
          ...extra,
        },
      }
    : {
        baseUrl,
        auth: { kind: 'clientSecret', tenantId, clientId, clientSecret: need(r, s.clientSecret), ...extra },
      };
}

function workplaceFrom(r: Reading): WorkplaceConfig {
  const s = workplaceSettings;
  return {
    baseUrl: need(r, s.baseUrl),
    auth:
      r.variants.workplaceAuth === 'apiKey'
        ? { kind: 'apiKey', apiKey: need(r, s.apiKey) }
        : {
            kind: 'clientCredentials',
            tokenUrl: need(r, s.tokenUrl),
            clientId: need(r, s.clientId),
            clientSecret: need(r, s.clientSecret),
          },
    webhookSecret: need(r, s.webhookSecret),
  };
}

function telemetryFrom(r: Reading): TelemetryConfig {
  return {
    connectionString: r.value(telemetrySettings.connectionString),
    entraAuth: r.value(telemetrySettings.authentication),
  };
}

/** Reads and validates every setting; throws one ConfigError listing all problems. */
export function loadConfig(env: Environment): Config {
  const r = read(env, SETTINGS);
  return {
    storage: storageFrom(r),
    graph: graphFrom(r),
    workplace: workplaceFrom(r),
    publicUrl: need(r, serviceSettings.publicUrl),
    syncHorizonDays: need(r, serviceSettings.syncHorizonDays),
    roomCheckDelaySeconds: need(r, serviceSettings.roomCheckDelaySeconds),
    logLevel: need(r, serviceSettings.logLevel),
    telemetry: telemetryFrom(r),
  };
}

/** Only the storage connection (for tools and tests that need nothing else). */
export function loadStorageConfig(env: Environment): StorageConfig {
  return storageFrom(read(env, Object.values(storageSettings)));
}

/** Only the telemetry settings (read before anything else, by shared/telemetry/boot.ts). */
export function loadTelemetryConfig(env: Environment): TelemetryConfig {
  return telemetryFrom(read(env, Object.values(telemetrySettings)));
}
