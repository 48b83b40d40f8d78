import {
  absoluteUrl,
  appInsightsAuthentication,
  appInsightsConnectionString,
  atLeast,
  httpsUrl,
  integer,
  oneOf,
  oneOfAnyCase,
  storageAccountName,
  storageConnectionString,
  text,
} from './parsers';
import {
  GRAPH_AUTH_KINDS,
  STORAGE_KINDS,
  WORKPLACE_AUTH_KINDS,
  setting,
  type Dimensions,
  type Setting,
  type Variants,
} from './setting';
import type { LogLevel } from '../telemetry/logger';

/**
 * The registry: every setting the service reads, declared once. loadConfig (load.ts) checks them in
 * this order and builds the Config from them, `npm run docs:settings` writes the README's table from
 * them, and test/unit/infra-settings.test.ts checks infra/ against them.
 */

const IDENTITY_STORAGE = ['accountName', 'serviceUris'] as const;
const APP_REGISTRATION = ['clientSecret', 'certificate'] as const;

export const storageSettings = {
  connectionString: setting({
    name: 'AzureWebJobsStorage',
    meaning: 'storage connection string (queues, tables)',
    expects:
      'a storage connection string (UseDevelopmentStorage=true, or AccountName and AccountKey, or ' +
      'SharedAccessSignature with QueueEndpoint and TableEndpoint), or an identity-based connection ' +
      '(AzureWebJobsStorage__accountName, or AzureWebJobsStorage__queueServiceUri and __tableServiceUri)',
    secret: true,
    sandbox: 'in-memory Azurite',
    only: { storage: ['connectionString'] },
    required: true,
    parse: storageConnectionString,
  }),
  accountName: setting({
    name: 'AzureWebJobsStorage__accountName',
    meaning:
      "identity-based storage (the Functions convention): the account's name, reached with the app's managed identity",
    expects: 'a storage account name, 3-24 lowercase letters and digits',
    only: { storage: ['accountName'] },
    required: true,
    parse: storageAccountName,
  }),
  queueServiceUri: setting({
    name: 'AzureWebJobsStorage__queueServiceUri',
    meaning: 'identity-based storage by explicit endpoints: the queue service URI (with `__tableServiceUri`)',
    expects: 'the queue service URI, e.g. https://<account>.queue.core.windows.net',
    only: { storage: ['serviceUris'] },
    required: true,
    parse: absoluteUrl,
  }),
  tableServiceUri: setting({
    name: 'AzureWebJobsStorage__tableServiceUri',
    meaning: 'identity-based storage by explicit endpoints: the table service URI (with `__queueServiceUri`)',
    expects: 'the table service URI, e.g. https://<account>.table.core.windows.net',
    only: { storage: ['serviceUris'] },
    required: true,
    parse: absoluteUrl,
  }),
  clientId: setting({
    name: 'AzureWebJobsStorage__clientId',
    meaning: 'identity-based storage: the client id of a user-assigned identity to reach it with',
    expects: 'the client id of a user-assigned managed identity',
    unset: 'the system-assigned identity',
    only: { storage: IDENTITY_STORAGE },
    parse: text,
  }),
};

export const graphSettings = {
  baseUrl: setting({
    name: 'GRAPH_BASE_URL',
    meaning: "Graph's endpoint",
    expects: 'the Graph endpoint',
    default: 'https://graph.microsoft.com',
    sandbox: 'the emulator',
    parse: httpsUrl,
  }),
  auth: setting<Variants['graphAuth']>({
    name: 'GRAPH_AUTH',
    meaning: 'how the app signs in to Graph: `clientSecret`, `certificate` or `managedIdentity`',
    expects: 'one of clientSecret, certificate, managedIdentity',
    default: 'clientSecret',
    parse: oneOf(GRAPH_AUTH_KINDS),
  }),
  tenantId: setting({
    name: 'GRAPH_TENANT_ID',
    meaning: "the app registration's tenant",
    expects: 'the Entra tenant id or domain of the app registration',
    sandbox: 'emulator values',
    only: { graphAuth: APP_REGISTRATION },
    required: true,
    parse: text,
  }),
  clientId: setting({
    name: 'GRAPH_CLIENT_ID',
    meaning:
      "the app registration's client id; with `managedIdentity`, the client id of a user-assigned identity",
    expects: 'the application (client) id of the app registration',
    unset: 'the system-assigned identity',
    sandbox: 'emulator values',
    required: { graphAuth: APP_REGISTRATION },
    parse: text,
  }),
  authorityHost: setting({
    name: 'GRAPH_AUTHORITY_HOST',
    meaning: 'token authority; set only for the Graph emulator',
    expects: 'the token authority (set only for the Graph emulator)',
    unset: 'Entra ID',
    sandbox: 'the emulator',
    only: { graphAuth: APP_REGISTRATION },
    parse: httpsUrl,
  }),
  clientSecret: setting({
    name: 'GRAPH_CLIENT_SECRET',
    meaning: "the app registration's client secret",
    expects: 'the client secret of the app registration',
    secret: true,
    sandbox: 'random',
    only: { graphAuth: ['clientSecret'] },
    required: true,
    parse: text,
  }),
  certificatePath: setting({
    name: 'GRAPH_CLIENT_CERTIFICATE_PATH',
    meaning: "a PEM file with the app registration's certificate and its private key",
    expects: 'the path of a PEM file with the certificate and its private key',
    only: { graphAuth: ['certificate'] },
    required: true,
    parse: text,
  }),
};

export const workplaceSettings = {
  baseUrl: setting({
    name: 'WORKPLACE_BASE_URL',
    meaning: 'the Workplace API',
    expects: 'the Workplace API base URL',
    sandbox: 'the emulator',
    required: true,
    parse: httpsUrl,
  }),
  webhookSecret: setting({
    name: 'WORKPLACE_WEBHOOK_SECRET',
    meaning: 'the secret Workplace signs webhooks with, at least 16 characters',
    expects: 'the shared secret Workplace signs webhooks with (at least 16 characters)',
    secret: true,
    sandbox: 'random',
    required: true,
    parse: atLeast(16),
  }),
  apiKey: setting({
    name: 'WORKPLACE_API_KEY',
    meaning: 'a static API key for Workplace',
    expects: 'the Workplace API key',
    secret: true,
    sandbox: "the emulator's key",
    only: { workplaceAuth: ['apiKey'] },
    required: true,
    parse: text,
  }),
  tokenUrl: setting({
    name: 'WORKPLACE_TOKEN_URL',
    meaning: 'OAuth2 client credentials for Workplace: the token endpoint',
    expects: 'the OAuth2 token endpoint (or set WORKPLACE_API_KEY instead)',
    only: { workplaceAuth: ['clientCredentials'] },
    required: true,
    parse: httpsUrl,
  }),
  clientId: setting({
    name: 'WORKPLACE_CLIENT_ID',
    meaning: 'OAuth2 client credentials for Workplace: the client id',
    expects: 'the OAuth2 client id for Workplace',
    only: { workplaceAuth: ['clientCredentials'] },
    required: true,
    parse: text,
  }),
  clientSecret: setting({
    name: 'WORKPLACE_CLIENT_SECRET',
    meaning: 'OAuth2 client credentials for Workplace: the client secret',
    expects: 'the OAuth2 client secret for Workplace',
    secret: true,
    only: { workplaceAuth: ['clientCredentials'] },
    required: true,
    parse: text,
  }),
};

export const serviceSettings = {
  publicUrl: setting({
    name: 'ROOMSYNC_PUBLIC_URL',
    meaning: "the app's base URL as Graph reaches it (change notifications); https, http only on loopback",
    expects: 'the base URL at which Graph reaches this app (https; http only on loopback)',
    sandbox: 'the local host',
    required: true,
    parse: httpsUrl,
  }),
  syncHorizonDays: setting({
    name: 'ROOMSYNC_SYNC_HORIZON_DAYS',
    meaning: 'how far ahead bookings are kept in sync, in days, 1–1825',
    expects: 'an integer number of days from 1 to 1825 (Graph calendarView limit)',
    default: 365,
    parse: integer(1, 1825),
  }),
  roomCheckDelaySeconds: setting({
    name: 'ROOMSYNC_ROOM_CHECK_DELAY_SECONDS',
    meaning:
      'how long after a meeting reaches Workplace its rooms that never notified are looked up (a room that declined the invitation holds no copy), in seconds, 1–3600',
    expects: 'an integer number of seconds from 1 to 3600',
    default: 120,
    parse: integer(1, 3600),
  }),
  logLevel: setting<LogLevel>({
    name: 'ROOMSYNC_LOG_LEVEL',
    meaning: '`debug`, `info`, `warn` or `error`',
    expects: 'one of debug, info, warn, error',
    default: 'info',
    parse: oneOfAnyCase(['debug', 'info', 'warn', 'error']),
  }),
};

export const telemetrySettings = {
  connectionString: setting({
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
    meaning: 'export traces, metrics and logs to this Application Insights resource (OpenTelemetry)',
    expects:
      'an Application Insights connection string (InstrumentationKey=…;IngestionEndpoint=…), or unset for no export',
    secret: true,
    unset: 'nothing exported',
    parse: appInsightsConnectionString,
  }),
  authentication: setting({
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    meaning:
      '`Authorization=AAD`: export with the managed identity (`;ClientId=…` names a user-assigned one)',
    expects: 'Authorization=AAD, optionally ;ClientId=<user-assigned identity>',
    secret: true,
    unset: 'the instrumentation key',
    parse: appInsightsAuthentication,
  }),
};

/** Every setting, in the order problems are listed and the README's table runs. */
export const SETTINGS: readonly Setting<unknown>[] = [
  ...Object.values(storageSettings),
  ...Object.values(graphSettings),
  ...Object.values(workplaceSettings),
  ...Object.values(serviceSettings),
  ...Object.values(telemetrySettings),
];

export const DIMENSIONS: Dimensions = {
  graphAuth: {
    title: 'Graph sign-in',
    values: GRAPH_AUTH_KINDS,
    selectedBy: [graphSettings.auth],
    explain: '`GRAPH_AUTH` names it: `clientSecret` (the default), `certificate` or `managedIdentity`',
    select: (valueOf) =>
      GRAPH_AUTH_KINDS.find((kind) => kind === valueOf(graphSettings.auth)) ?? 'clientSecret',
  },
  workplaceAuth: {
    title: 'Workplace sign-in',
    values: WORKPLACE_AUTH_KINDS,
    selectedBy: [workplaceSettings.apiKey],
    explain: '`apiKey` when `WORKPLACE_API_KEY` is set, else `clientCredentials` (OAuth2)',
    select: (valueOf) => (valueOf(workplaceSettings.apiKey) ? 'apiKey' : 'clientCredentials'),
  },
  storage: {
    title: 'Storage',
    values: STORAGE_KINDS,
    selectedBy: [
      storageSettings.connectionString,
      storageSettings.queueServiceUri,
      storageSettings.tableServiceUri,
      storageSettings.accountName,
    ],
    explain:
      '`connectionString` when `AzureWebJobsStorage` is set; else identity-based: `serviceUris` when both ' +
      'service URIs are set, else `accountName`',
    select: (valueOf) => {
      if (valueOf(storageSettings.connectionString)) return 'connectionString';
      if (valueOf(storageSettings.queueServiceUri) && valueOf(storageSettings.tableServiceUri))
        return 'serviceUris';
      // Nothing set at all is reported as a missing connection string, whose message names the others.
      return valueOf(storageSettings.accountName) ? 'accountName' : 'connectionString';
    },
  },
};
