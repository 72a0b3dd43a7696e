// Everything LiveChat runs on, in one resource group (main.bicep creates the group and calls this): Function App
// (Flex Consumption, dotnet-isolated 10), Cosmos DB (serverless), Storage, SignalR Service (Serverless), Log
// Analytics + Application Insights. No keys: every service has local auth off and the app's managed identity holds
// the data-plane roles it needs.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(20)
param environmentName string
param location string = resourceGroup().location
@description('Object id of the deployer (azd sets AZURE_PRINCIPAL_ID); granted data access for the README first steps. Empty: none.')
param principalId string = ''
@allowed([ 'User', 'ServicePrincipal', 'Group' ])
param principalType string = 'User'
param identityAuthority string
param identityAudience string
param agentWebOrigin string
param bootstrapAdmins string
param signalRSku string = 'Standard_S1'
param signalRUnits int = 1
param sweepSchedule string = '0 */1 * * * *'
param enableAgentConsole bool = false

var suffix = uniqueString(subscription().id, resourceGroup().id, environmentName)
var tags = { 'azd-env-name': environmentName, app: 'livechat' }
var databaseName = 'livechat'
var uploadsContainerName = 'uploads'
var deploymentContainerName = 'app-package'
var webhookQueueName = 'webhooks'
var functionAppName = 'func-${environmentName}-${suffix}'
var storageAccountName = take('st${toLower(replace(environmentName, '-', ''))}${suffix}', 24)
var signalRName = 'sigr-${environmentName}-${suffix}'
var appInsightsName = 'appi-${environmentName}-${suffix}'
var cosmosName = 'cosmos-${environmentName}-${suffix}'
// The agent console is served by the Function App itself, so its origin is the app's (default host name).
var browserOrigins = enableAgentConsole ? [ agentWebOrigin, 'https://${functionAppName}.azurewebsites.net' ] : [ agentWebOrigin ]

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${environmentName}-${suffix}'
    appInsightsName: appInsightsName
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    uploadsContainerName: uploadsContainerName
    deploymentContainerName: deploymentContainerName
    webhookQueueName: webhookQueueName
    allowedOrigins: browserOrigins
  }
}

module signalr 'modules/signalr.bicep' = {
  name: 'signalr'
  params: {
    name: signalRName
    location: location
    tags: tags
    sku: signalRSku
    units: signalRUnits
    allowedOrigins: browserOrigins
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: functionAppName
    planName: 'plan-${environmentName}-${suffix}'
    location: location
    tags: tags
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    allowedOrigins: [ agentWebOrigin ]
    // Every setting the worker needs in Azure; the rest keep the code's defaults (local.settings.sample.json lists
    // them all; a test compares the two). No secret: each service is reached with the app's managed identity.
    appSettings: {
      AzureWebJobsStorage__accountName: storage.outputs.accountName
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
      Cosmos__Endpoint: 'https://${cosmosName}.documents.azure.com:443/'
      Cosmos__Database: databaseName
      Cosmos__CreateIfMissing: 'false'
      Blob__ServiceUri: storage.outputs.blobEndpoint
      Blob__Container: uploadsContainerName
      SignalR__ConnectionString: 'Endpoint=https://${signalr.outputs.hostName};AuthType=azure.msi;Version=1.0;'
      Identity__Authority: identityAuthority
      Identity__Audience: identityAudience
      Identity__BootstrapAdmins: bootstrapAdmins
      SweepSchedule: sweepSchedule
      WebhookQueue__queueServiceUri: storage.outputs.queueEndpoint
      Webhooks__Queue: webhookQueueName
      Webhooks__RelaySchedule: '0 */1 * * * *'
      AgentConsole__Enabled: enableAgentConsole ? 'true' : 'false'
    }
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    name: cosmosName
    location: location
    tags: tags
    databaseName: databaseName
    dataContributorPrincipalIds: empty(principalId) ? [ functionApp.outputs.principalId ] : [ functionApp.outputs.principalId, principalId ]
  }
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
  dependsOn: [ storage ]
}

resource signalrService 'Microsoft.SignalRService/signalR@2024-03-01' existing = {
  name: signalRName
  dependsOn: [ signalr ]
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
  dependsOn: [ monitoring ]
}

// Host storage, the deployment package, and user-delegation SAS for attachments.
resource appBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, functionAppName, 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b') // Storage Blob Data Owner
    principalId: functionApp.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

// The webhook queue: the app sends to it, and its queue trigger reads it and moves failing messages to the poison queue.
resource appQueueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, functionAppName, '974c5e8b-45b9-4653-ba55-5f855dd0fb88')
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '974c5e8b-45b9-4653-ba55-5f855dd0fb88') // Storage Queue Data Contributor
    principalId: functionApp.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

// REST publishing and generateToken with an Entra token.
resource appSignalRServer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(signalrService.id, functionAppName, '420fcaa2-552c-430f-98ca-3264be4806c7')
  scope: signalrService
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '420fcaa2-552c-430f-98ca-3264be4806c7') // SignalR App Server
    principalId: functionApp.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

// Telemetry into Application Insights with local auth off.
resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, functionAppName, '3913510d-42f4-4e42-8a64-420c390055eb')
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb') // Monitoring Metrics Publisher
    principalId: functionApp.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

// The deployer reads and writes attachments (e.g. tools/LiveChat.Import) with their own sign-in.
resource deployerBlobData 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(storageAccount.id, principalId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe') // Storage Blob Data Contributor
    principalId: principalId
    principalType: principalType
  }
}

output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = functionApp.outputs.url
output COSMOS_ACCOUNT_NAME string = cosmos.outputs.accountName
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output STORAGE_ACCOUNT_NAME string = storage.outputs.accountName
output BLOB_SERVICE_URI string = storage.outputs.blobEndpoint
output SIGNALR_NAME string = signalr.outputs.name
