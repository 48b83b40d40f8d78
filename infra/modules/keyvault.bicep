// Key Vault (Azure RBAC authorization) for roomsync's secrets. App settings refer to them with
// @Microsoft.KeyVault(SecretUri=...) references that the platform resolves with the app's
// system-assigned identity (Key Vault Secrets User, granted in roles.bicep).
//
// A secret is written only when its value is passed: leave a value empty to set the secret yourself
// (`az keyvault secret set`, see docs/deploy.md), and a later deployment without the value does not
// overwrite it. The secret names here are the ones app-settings.bicep refers to.

@description('Azure region.')
param location string

@description('Key Vault name: 3-24 letters, digits and hyphens, unique in Azure.')
@minLength(3)
@maxLength(24)
param name string

@secure()
@description('Client secret of the Graph app registration (GRAPH_AUTH=clientSecret); empty: not written.')
param graphClientSecret string = ''

@secure()
@description('Workplace API key (workplaceAuth=apiKey); empty: not written.')
param workplaceApiKey string = ''

@secure()
@description('Workplace OAuth client secret (workplaceAuth=clientCredentials); empty: not written.')
param workplaceClientSecret string = ''

@secure()
@description('The secret Workplace signs webhooks with (16 characters or more); empty: not written.')
param workplaceWebhookSecret string = ''

@description('Deny network access except from allowedSubnetIds and allowedIpRanges (and trusted Azure services); off by default.')
param restrictNetworkAccess bool = false

@description('Subnet resource ids allowed when restrictNetworkAccess (each with the Microsoft.KeyVault service endpoint).')
param allowedSubnetIds array = []

@description('Public IPv4 addresses or CIDR ranges allowed when restrictNetworkAccess.')
param allowedIpRanges array = []

param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // A deleted vault or secret cannot be purged before its retention ends, so neither a mistake nor a
    // stolen credential can destroy the secrets for good. Once on, it cannot be turned off.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: restrictNetworkAccess ? 'Deny' : 'Allow'
      ipRules: [
        for ipRange in allowedIpRanges: {
          value: ipRange
        }
      ]
      virtualNetworkRules: [
        for subnetId in allowedSubnetIds: {
          id: subnetId
        }
      ]
    }
  }
}

resource graphClientSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(graphClientSecret)) {
  parent: vault
  name: 'graph-client-secret'
  properties: {
    value: graphClientSecret
  }
}

resource workplaceApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(workplaceApiKey)) {
  parent: vault
  name: 'workplace-api-key'
  properties: {
    value: workplaceApiKey
  }
}

resource workplaceClientSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(workplaceClientSecret)) {
  parent: vault
  name: 'workplace-client-secret'
  properties: {
    value: workplaceClientSecret
  }
}

resource workplaceWebhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(workplaceWebhookSecret)) {
  parent: vault
  name: 'workplace-webhook-secret'
  properties: {
    value: workplaceWebhookSecret
  }
}

output name string = vault.name
// Ends with a slash: https://<name>.vault.azure.net/
output uri string = vault.properties.vaultUri
