// Log Analytics workspace and a workspace-based Application Insights component.
// Local (instrumentation-key) authentication is off: telemetry is accepted only with an Entra token,
// so the Function App sends it with its managed identity (Monitoring Metrics Publisher, granted in
// roles.bicep) and the app setting APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD.

@description('Azure region.')
param location string

@description('Name of the Log Analytics workspace.')
param workspaceName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    retentionInDays: retentionInDays
    sku: {
      name: 'PerGB2018'
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output appInsightsName string = appInsights.name
// Not a secret: with local authentication off, the instrumentation key in it grants nothing alone.
output appInsightsConnectionString string = appInsights.properties.ConnectionString
