import type { GraphAuth } from '../graph/credentials';
import type { LogLevel } from '../telemetry/logger';
import type { WorkplaceAuth } from '../workplace/auth';

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
