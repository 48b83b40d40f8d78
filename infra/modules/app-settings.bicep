// Every app setting of the Function App, in one place. This resource replaces the whole set, so a
// setting absent here is absent in Azure.
//
// test/unit/infra-settings.test.ts keeps this list equal to what the code reads (shared/config.ts,
// via loadConfig) for each variant the parameters select, plus the few settings the Functions host
// reads itself; it reads the objects below and the union() that picks them, so keep that shape:
// objects of `NAME: value` lines, and variant objects indexed by the parameter that selects them.
//
// Secrets are Key Vault references resolved by the platform with the app's identity; the secrets
// are the ones keyvault.bicep declares. Without a version in the SecretUri the app gets the current
// version (the platform re-reads references within a day, or at once on a restart or settings change).

@description('Name of the Function App (created by function-app.bicep).')
param functionAppName string

@description('Storage account the host and the code reach with the app identity.')
param storageAccountName string

param appInsightsConnectionString string

@description('Key Vault URI, ending with a slash.')
param keyVaultUri string

@allowed(['clientSecret', 'managedIdentity'])
param graphAuth string

param graphTenantId string
param graphClientId string
param graphBaseUrl string

@allowed(['apiKey', 'clientCredentials'])
param workplaceAuth string

param workplaceBaseUrl string
param workplaceTokenUrl string
param workplaceClientId string

param syncHorizonDays int
param roomCheckDelaySeconds int
param logLevel string
param workerHeapMB int

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

// Read by the Functions host, and by the code too (storage; Application Insights for the app's own
// OpenTelemetry export, shared/telemetry/start.ts).
var hostSettings = {
  // Identity-based host storage (the Functions convention): the system-assigned identity, blob/queue/
  // table endpoints derived from the account name. shared/config.ts reads the same setting.
  AzureWebJobsStorage__accountName: storageAccountName
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  // Local auth is disabled on the component: send telemetry with the system-assigned identity.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  // Arguments of the Node worker process: a heap limit near what the worker needs, or V8 sizes it from
  // the instance's memory and collects lazily (infra/main.bicep, workerHeapMB).
  languageWorkers__node__arguments: '--max-old-space-size=${workerHeapMB}'
}

var serviceSettings = {
  // Graph posts change notifications to <this>/api/graph/notifications.
  ROOMSYNC_PUBLIC_URL: 'https://${site.properties.defaultHostName}'
  ROOMSYNC_SYNC_HORIZON_DAYS: string(syncHorizonDays)
  ROOMSYNC_ROOM_CHECK_DELAY_SECONDS: string(roomCheckDelaySeconds)
  ROOMSYNC_LOG_LEVEL: logLevel
  GRAPH_BASE_URL: graphBaseUrl
  WORKPLACE_BASE_URL: workplaceBaseUrl
  WORKPLACE_WEBHOOK_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/workplace-webhook-secret/)'
}

var graphSettings = {
  clientSecret: {
    GRAPH_AUTH: 'clientSecret'
    GRAPH_TENANT_ID: graphTenantId
    GRAPH_CLIENT_ID: graphClientId
    GRAPH_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/graph-client-secret/)'
  }
  // The app's own system-assigned identity holds the Graph application permissions (docs/deploy.md);
  // no GRAPH_CLIENT_ID: it would name a user-assigned identity.
  managedIdentity: {
    GRAPH_AUTH: 'managedIdentity'
  }
}

var workplaceSettings = {
  apiKey: {
    WORKPLACE_API_KEY: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/workplace-api-key/)'
  }
  clientCredentials: {
    WORKPLACE_TOKEN_URL: workplaceTokenUrl
    WORKPLACE_CLIENT_ID: workplaceClientId
    WORKPLACE_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/workplace-client-secret/)'
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(hostSettings, serviceSettings, graphSettings[graphAuth], workplaceSettings[workplaceAuth])
}
