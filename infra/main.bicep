// roomsync on Azure: a Function App on the Flex Consumption plan (Linux, Node 20) with a system-assigned
// managed identity; one Storage account (host storage, tables, queues, deployment package) reached with
// that identity, shared keys off; Application Insights on a Log Analytics workspace, local auth off;
// a Key Vault (RBAC) with the Graph and Workplace secrets, which app settings reference; and the role
// assignments the identity needs. Deploy into an existing resource group:
//   az deployment group create -g <group> -f infra/main.bicep -p infra/main.parameters.json
// or `azd up` (azure.yaml). See infra/README.md and docs/deploy.md.

targetScope = 'resourceGroup'

@description('Azure region of every resource; the resource group\'s by default. Must offer Flex Consumption.')
param location string = resourceGroup().location

@description('Prefix of resource names; a hash of the resource group id makes them unique.')
@minLength(3)
@maxLength(20)
param baseName string = 'roomsync'

@description('How roomsync authenticates to Microsoft Graph: an app registration\'s client secret, or the Function App\'s own system-assigned identity (no secret).')
@allowed(['clientSecret', 'managedIdentity'])
param graphAuth string = 'clientSecret'

@description('Tenant of the Graph app registration (clientSecret); this subscription\'s tenant by default.')
param graphTenantId string = subscription().tenantId

@description('Application (client) id of the Graph app registration (clientSecret).')
param graphClientId string = ''

@secure()
@description('Client secret of the Graph app registration (clientSecret). Empty: set the Key Vault secret graph-client-secret yourself.')
param graphClientSecret string = ''

@description('Microsoft Graph endpoint.')
param graphBaseUrl string = 'https://graph.microsoft.com'

@description('Base URL of the Workplace API (https).')
param workplaceBaseUrl string

@description('How roomsync authenticates to Workplace: a static API key, or OAuth2 client credentials.')
@allowed(['apiKey', 'clientCredentials'])
param workplaceAuth string = 'apiKey'

@secure()
@description('Workplace API key (apiKey). Empty: set the Key Vault secret workplace-api-key yourself.')
param workplaceApiKey string = ''

@description('Workplace OAuth2 token endpoint (clientCredentials).')
param workplaceTokenUrl string = ''

@description('Workplace OAuth2 client id (clientCredentials).')
param workplaceClientId string = ''

@secure()
@description('Workplace OAuth2 client secret (clientCredentials). Empty: set the Key Vault secret workplace-client-secret yourself.')
param workplaceClientSecret string = ''

@secure()
@description('The secret Workplace signs webhooks with, 16 characters or more. Empty: set the Key Vault secret workplace-webhook-secret yourself.')
param workplaceWebhookSecret string = ''

@description('How far ahead bookings are kept in sync, days (ROOMSYNC_SYNC_HORIZON_DAYS). Keep the rooms\' BookingWindowInDays at least this long.')
@minValue(1)
@maxValue(1825)
param syncHorizonDays int = 365

@description('Delay before rooms that never notified are looked up, seconds (ROOMSYNC_ROOM_CHECK_DELAY_SECONDS).')
@minValue(1)
@maxValue(3600)
param roomCheckDelaySeconds int = 120

@allowed(['debug', 'info', 'warn', 'error'])
param logLevel string = 'info'

@description('Upper bound of Function App instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance, MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('V8 old-space limit of the Node worker, MB (languageWorkers__node__arguments). Measured in bench/README-backfill-renewal.md: the worker\'s live heap stays under 100 MB with 12 messages in flight; without a limit V8 sizes the heap from the instance\'s memory and lets garbage pile up (264 MB RSS against 172 MB with 256, at the same speed).')
@minValue(128)
@maxValue(3072)
param workerHeapMB int = 256

@description('Instances kept warm for the HTTP functions, so Graph\'s 3 s / 10 s deadlines are not spent on a cold start (0: none; each costs while idle).')
@minValue(0)
@maxValue(10)
param alwaysReadyHttpInstances int = 1

@description('Object id of a user or group granted Key Vault Secrets Officer, to set the secrets after deployment (empty: none).')
param secretsOfficerPrincipalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param secretsOfficerPrincipalType string = 'User'

@description('Deny network access to the storage account and Key Vault except from networkAllowedSubnetIds and networkAllowedIpRanges (and trusted Azure services). Off by default: this template does not integrate the Function App into a virtual network, and with it on the app reaches neither unless its integration subnet is listed (see infra/README.md).')
param restrictNetworkAccess bool = false

@description('Subnet resource ids allowed when restrictNetworkAccess: the Function App\'s VNet integration subnet, with the Microsoft.Storage and Microsoft.KeyVault service endpoints.')
param networkAllowedSubnetIds array = []

@description('Public IPv4 addresses or CIDR ranges allowed when restrictNetworkAccess (an operator\'s, to set Key Vault secrets).')
param networkAllowedIpRanges array = []

param tags object = {}

var token = uniqueString(resourceGroup().id, baseName)
var names = {
  functionApp: '${baseName}-${token}'
  plan: 'plan-${baseName}-${token}'
  storage: 'st${token}'
  keyVault: 'kv-${token}'
  workspace: 'log-${baseName}-${token}'
  appInsights: 'appi-${baseName}-${token}'
  deploymentContainer: 'app-package'
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: names.storage
    deploymentContainerName: names.deploymentContainer
    restrictNetworkAccess: restrictNetworkAccess
    allowedSubnetIds: networkAllowedSubnetIds
    allowedIpRanges: networkAllowedIpRanges
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: names.keyVault
    graphClientSecret: graphClientSecret
    workplaceApiKey: workplaceApiKey
    workplaceClientSecret: workplaceClientSecret
    workplaceWebhookSecret: workplaceWebhookSecret
    restrictNetworkAccess: restrictNetworkAccess
    allowedSubnetIds: networkAllowedSubnetIds
    allowedIpRanges: networkAllowedIpRanges
    tags: tags
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    location: location
    name: names.functionApp
    planName: names.plan
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    keyVaultName: keyVault.outputs.name
    secretsOfficerPrincipalId: secretsOfficerPrincipalId
    secretsOfficerPrincipalType: secretsOfficerPrincipalType
  }
}

module appSettings 'modules/app-settings.bicep' = {
  name: 'app-settings'
  params: {
    functionAppName: functionApp.outputs.name
    storageAccountName: storage.outputs.name
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    keyVaultUri: keyVault.outputs.uri
    graphAuth: graphAuth
    graphTenantId: graphTenantId
    graphClientId: graphClientId
    graphBaseUrl: graphBaseUrl
    workplaceAuth: workplaceAuth
    workplaceBaseUrl: workplaceBaseUrl
    workplaceTokenUrl: workplaceTokenUrl
    workplaceClientId: workplaceClientId
    syncHorizonDays: syncHorizonDays
    roomCheckDelaySeconds: roomCheckDelaySeconds
    logLevel: logLevel
    workerHeapMB: workerHeapMB
  }
  // The first start should find its storage, telemetry and Key Vault access already granted.
  dependsOn: [roles]
}

var baseUrl = 'https://${functionApp.outputs.defaultHostName}'

// UPPER_SNAKE for azd, which copies outputs into the environment (.azure/<env>/.env).
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_DEFAULT_HOSTNAME string = functionApp.outputs.defaultHostName
@description('Object id of the app\'s system-assigned identity: Graph app roles and Exchange RBAC for managedIdentity.')
output FUNCTION_APP_PRINCIPAL_ID string = functionApp.outputs.principalId
output KEY_VAULT_NAME string = keyVault.outputs.name
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
// The HTTP functions (functions/*.ts, route prefix api from host.json). The admin ones need a function key.
output HEALTH_URL string = '${baseUrl}/api/health'
output GRAPH_NOTIFICATIONS_URL string = '${baseUrl}/api/graph/notifications'
output WORKPLACE_WEBHOOK_URL string = '${baseUrl}/api/workplace/webhook'
output ROOMS_ADMIN_URL string = '${baseUrl}/api/rooms'
output STATUS_PAGE_URL string = '${baseUrl}/api/status'
output POISON_URL string = '${baseUrl}/api/poison'
output POISON_REPLAY_URL string = '${baseUrl}/api/poison/replay'
