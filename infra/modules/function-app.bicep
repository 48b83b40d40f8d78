// The Flex Consumption plan and the Function App (Linux, Node 20) with a system-assigned identity.
// Shapes and API versions follow Microsoft's Flex Consumption samples (Azure-Samples/
// azure-functions-flex-consumption-samples, IaC/). On Flex the runtime lives in functionAppConfig,
// so no FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION or WEBSITE_RUN_FROM_PACKAGE app setting
// is set (the platform deprecates them there). App settings are written by app-settings.bicep once the
// identity's role assignments exist.

@description('Azure region.')
param location string

@description('Function App name (also the first label of its default host name).')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('URL of the blob container the app package is deployed to.')
param deploymentContainerUrl string

@description('Upper bound of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance, MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Instances kept warm for the HTTP functions (0: none).')
@minValue(0)
@maxValue(10)
param alwaysReadyHttpInstances int

param tags object = {}

// 'http' is the group of all HTTP-triggered functions.
var alwaysReadyHttp = [
  {
    name: 'http'
    instanceCount: alwaysReadyHttpInstances
  }
]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app to deploy to by this tag (azure.yaml: service roomsync).
  tags: union(tags, { 'azd-service-name': 'roomsync' })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // Graph wants the validation handshake answered within 10 s and notifications within 3 s
        // (shared graph notes §1.6, §1.8); a warm instance keeps cold starts off that path.
        alwaysReady: alwaysReadyHttpInstances > 0 ? alwaysReadyHttp : []
      }
      runtime: {
        name: 'node'
        version: '20'
      }
    }
  }
}

// No username-and-password publishing (FTP, and the SCM site's publish profile): deployments go through
// Entra ID (azd, or Core Tools signed in with az), as the Flex Consumption samples do.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
