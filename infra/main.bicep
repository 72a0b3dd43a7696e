// LiveChat on Azure, deployed with `azd up` (see README "Deploy to Azure"): creates rg-{environmentName} and
// everything in it (resources.bicep). Values without a default are asked for by azd unless set with `azd env set`.
targetScope = 'subscription'

@minLength(1)
@maxLength(20)
@description('Name of the environment (azd sets it); names the resource group and prefixes every resource.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Object id of the deployer (azd sets AZURE_PRINCIPAL_ID): granted Cosmos DB and Blob data access. Empty: none.')
param principalId string = ''

@allowed([ 'User', 'ServicePrincipal', 'Group' ])
@description('Kind of principalId: User when you run azd, ServicePrincipal from a pipeline.')
param principalType string = 'User'

@minLength(1)
@description('OpenID Connect authority that issues agent tokens, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0.')
param identityAuthority string

@minLength(1)
@description('Audience of agent tokens: the API app registration\'s Application ID URI or client id.')
param identityAudience string

@minLength(1)
@description('Origin of the agent web panel (CORS for the API, uploads and SignalR), e.g. https://helpdesk.contoso.com.')
param agentWebOrigin string

@minLength(3)
@description('First ADMIN(s): comma-separated tenantId:userId pairs (userId = the user\'s Entra object id). Honoured only while the tenant has no ADMIN.')
param bootstrapAdmins string

@allowed([ 'Free_F1', 'Standard_S1', 'Premium_P1' ])
@description('SignalR Service tier: Free_F1 holds 20 connections (one per online machine agent or agent tab), Standard_S1 and Premium_P1 1,000 per unit.')
param signalRSku string = 'Standard_S1'

@minValue(1)
@maxValue(100)
@description('SignalR units (Free_F1: 1).')
param signalRUnits int = 1

@description('Serve the agent console (GET /api/console) from the Function App, and allow its origin for uploads and SignalR. Off: the agents use their own panel.')
param enableAgentConsole bool = false

@description('CRON (6 fields) of the inactivity sweep.')
param sweepSchedule string = '0 */1 * * * *'

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: { 'azd-env-name': environmentName }
}

module resources 'resources.bicep' = {
  name: 'livechat-resources'
  scope: group
  params: {
    environmentName: environmentName
    location: location
    principalId: principalId
    principalType: principalType
    identityAuthority: identityAuthority
    identityAudience: identityAudience
    agentWebOrigin: agentWebOrigin
    bootstrapAdmins: bootstrapAdmins
    signalRSku: signalRSku
    signalRUnits: signalRUnits
    sweepSchedule: sweepSchedule
    enableAgentConsole: enableAgentConsole
  }
}

output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_APP_NAME string = resources.outputs.AZURE_FUNCTION_APP_NAME
output FUNCTION_APP_URL string = resources.outputs.FUNCTION_APP_URL
output COSMOS_ACCOUNT_NAME string = resources.outputs.COSMOS_ACCOUNT_NAME
output COSMOS_ENDPOINT string = resources.outputs.COSMOS_ENDPOINT
output STORAGE_ACCOUNT_NAME string = resources.outputs.STORAGE_ACCOUNT_NAME
output BLOB_SERVICE_URI string = resources.outputs.BLOB_SERVICE_URI
output SIGNALR_NAME string = resources.outputs.SIGNALR_NAME
