// Role assignments for the Function App's system-assigned identity: the least each use needs.
//
// Storage (one account; assignments at account scope because the app creates its tables and queues
// itself, so no narrower scope exists before they do):
// - Storage Blob Data Owner: the Functions host keeps its keys and timer locks in blobs and creates
//   its containers; Microsoft documents Owner (not Contributor) as the host's minimum for an
//   identity-based AzureWebJobsStorage. The same role lets Flex Consumption read and write the
//   deployment package container, so no second blob role is needed.
// - Storage Queue Data Contributor: the code creates its queues (createIfNotExists) and their -poison
//   queues, sends, and the replay receives and deletes; the host's queue trigger reads, updates and
//   deletes messages. Creating a queue needs Contributor; its data actions include everything Storage
//   Queue Data Message Processor grants, so that role would add nothing.
// - Storage Table Data Contributor: the store creates its tables and reads and writes entities (the
//   host's diagnostic events use tables too). No Storage Account Contributor: no blob trigger here.
// Application Insights: Monitoring Metrics Publisher, to send telemetry with local auth disabled.
// Key Vault: Key Vault Secrets User, to resolve the app settings' Key Vault references (read only).
// Optionally Key Vault Secrets Officer for a person or group who sets the secrets after deployment.

@description('Object id of the Function App system-assigned identity.')
param principalId string

param storageAccountName string
param appInsightsName string
param keyVaultName string

@description('Object id of a user or group that may set the Key Vault secrets (empty: none).')
param secretsOfficerPrincipalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param secretsOfficerPrincipalType string = 'User'

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

var storageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource storageAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storageAccount.id, principalId, role)
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(secretsOfficerPrincipalId)) {
  name: guid(vault.id, secretsOfficerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: secretsOfficerPrincipalId
    principalType: secretsOfficerPrincipalType
  }
}
