// LiveChat on Azure: Function App (Flex Consumption, dotnet-isolated 10), Cosmos DB (serverless), Storage,
// SignalR Service (Serverless), Log Analytics + Application Insights. Deploy with `azd up` (see README).
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(20)
@description('Name of the environment (azd sets it); prefixes every resource name.')
param environmentName string

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('OpenID Connect authority that issues agent tokens, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0.')
param identityAuthority string

@description('Audience (application ID URI or client id) of agent tokens.')
param identityAudience string

@description('Origin of the agent web panel (CORS for uploads and SignalR), e.g. https://helpdesk.example.com.')
param agentWebOrigin string

@description('CRON (6 fields) of the inactivity sweep.')
param sweepSchedule string = '0 */1 * * * *'

var suffix = uniqueString(subscription().id, resourceGroup().id, environmentName)
var tags = { 'azd-env-name': environmentName, app: 'livechat' }
var databaseName = 'livechat'
var uploadsContainerName = 'uploads'
var deploymentContainerName = 'app-package'
var functionAppName = 'func-${environmentName}-${suffix}'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${environmentName}-${suffix}'
    appInsightsName: 'appi-${environmentName}-${suffix}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('st${toLower(replace(environmentName, '-', ''))}${suffix}', 24)
    location: location
    tags: tags
    uploadsContainerName: uploadsContainerName
    deploymentContainerName: deploymentContainerName
    agentWebOrigin: agentWebOrigin
  }
}

module signalr 'modules/signalr.bicep' = {
  name: 'signalr'
  params: {
    name: 'sigr-${environmentName}-${suffix}'
    location: location
    tags: tags
    allowedOrigins: [ agentWebOrigin ]
  }
}

resource signalrService 'Microsoft.SignalRService/signalR@2024-03-01' existing = {
  name: 'sigr-${environmentName}-${suffix}'
  dependsOn: [ signalr ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: functionAppName
    planName: 'plan-${environmentName}-${suffix}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.accountName
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    allowedOrigins: [ agentWebOrigin ]
    appSettings: {
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
      Cosmos__Endpoint: 'https://cosmos-${environmentName}-${suffix}.documents.azure.com:443/'
      Cosmos__Database: databaseName
      Cosmos__CreateIfMissing: 'false'
      Blob__ServiceUri: storage.outputs.blobEndpoint
      Blob__Container: uploadsContainerName
      // SignalR's REST API is signed with its access key (the one secret left; rotate it as the README says).
      SignalR__ConnectionString: signalrService.listKeys().primaryConnectionString
      Identity__Authority: identityAuthority
      Identity__Audience: identityAudience
      SweepSchedule: sweepSchedule
    }
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    name: 'cosmos-${environmentName}-${suffix}'
    location: location
    tags: tags
    databaseName: databaseName
    dataContributorPrincipalId: functionApp.outputs.principalId
  }
}

// Storage Blob Data Owner: host storage, the deployment package, and user-delegation SAS for attachments.
resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: take('st${toLower(replace(environmentName, '-', ''))}${suffix}', 24)
  dependsOn: [ storage ]
}

resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, functionAppName, 'blob-data-owner')
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
    principalId: functionApp.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = functionApp.outputs.url
output COSMOS_ACCOUNT_NAME string = cosmos.outputs.accountName
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output STORAGE_ACCOUNT_NAME string = storage.outputs.accountName
output SIGNALR_NAME string = signalr.outputs.name
