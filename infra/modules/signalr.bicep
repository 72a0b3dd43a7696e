// Azure SignalR Service in Serverless mode: LiveChat publishes over its REST API and negotiates for clients.
param name string
param location string
param tags object
param allowedOrigins array

resource signalr 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'SignalR'
  sku: { name: 'Free_F1', capacity: 1 }
  properties: {
    features: [
      { flag: 'ServiceMode', value: 'Serverless' }
      { flag: 'EnableConnectivityLogs', value: 'True' }
    ]
    cors: { allowedOrigins: allowedOrigins }
  }
}

output name string = signalr.name
