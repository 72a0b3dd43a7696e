// One account: the Function App's host storage and deployment package, the attachments ("uploads") and the webhook
// queue (with the poison queue the Functions host moves failing messages to).
param name string
param location string
param tags object
param uploadsContainerName string
param deploymentContainerName string
param webhookQueueName string
@description('Browser origins (the agent web panel, the agent console when on) allowed to PUT attachments straight to Blob Storage.')
param allowedOrigins array

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    cors: {
      corsRules: [
        {
          allowedOrigins: allowedOrigins
          allowedMethods: [ 'PUT', 'GET', 'HEAD' ]
          allowedHeaders: [ 'content-type', 'x-ms-blob-type', 'if-none-match', 'x-ms-version', 'x-ms-date' ]
          exposedHeaders: [ 'etag' ]
          maxAgeInSeconds: 600
        }
      ]
    }
  }
}

resource uploads 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: uploadsContainerName
  properties: { publicAccess: 'None' }
}

resource deployment 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource webhookQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queues
  name: webhookQueueName
}

resource webhookPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queues
  name: '${webhookQueueName}-poison'
}

output accountName string = account.name
output queueEndpoint string = account.properties.primaryEndpoints.queue
output blobEndpoint string = account.properties.primaryEndpoints.blob
