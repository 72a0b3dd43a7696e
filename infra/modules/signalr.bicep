// Azure SignalR Service in Serverless mode: LiveChat publishes over its REST API and hands out client tokens from
// its generateToken operation, both with the app's Entra identity; access keys are disabled.
param name string
param location string
param tags object
@description('Free_F1: 20 concurrent connections, 20,000 messages a day. Standard_S1 / Premium_P1: 1,000 connections and 1,000,000 messages a day per unit.')
param sku string
param units int
param allowedOrigins array

resource signalr 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'SignalR'
  sku: { name: sku, capacity: units }
  properties: {
    features: [
      { flag: 'ServiceMode', value: 'Serverless' }
      { flag: 'EnableConnectivityLogs', value: 'True' }
    ]
    cors: { allowedOrigins: allowedOrigins }
    disableLocalAuth: true
  }
}

output name string = signalr.name
output hostName string = signalr.properties.hostName
