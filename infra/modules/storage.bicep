// The one storage account roomsync uses: the Functions host's own storage (keys, timer locks), the
// app's tables and queues, and the blob container Flex Consumption deploys the app package from.
// Shared keys are off: everything reaches it with Entra identities (the app's system-assigned one).

@description('Azure region.')
param location string

@description('Storage account name: 3-24 lowercase letters and digits, unique in Azure.')
@minLength(3)
@maxLength(24)
param name string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Deny network access except from allowedSubnetIds and allowedIpRanges (and trusted Azure services); off by default.')
param restrictNetworkAccess bool = false

@description('Subnet resource ids allowed when restrictNetworkAccess (each with the Microsoft.Storage service endpoint).')
param allowedSubnetIds array = []

@description('Public IPv4 addresses or CIDR ranges allowed when restrictNetworkAccess.')
param allowedIpRanges array = []

param tags object = {}

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: restrictNetworkAccess ? 'Deny' : 'Allow'
      ipRules: [
        for ipRange in allowedIpRanges: {
          value: ipRange
          action: 'Allow'
        }
      ]
      virtualNetworkRules: [
        for subnetId in allowedSubnetIds: {
          id: subnetId
          action: 'Allow'
        }
      ]
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// The app creates its tables and queues itself on first use (shared/runtime.ts, shared/store);
// the services are declared so the account's layout is explicit.
resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: account
  name: 'default'
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainer.name}'
