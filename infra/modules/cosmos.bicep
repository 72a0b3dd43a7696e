// Cosmos DB for NoSQL, serverless, keys disabled: the Function App reaches it with its managed identity.
param name string
param location string
param tags object
param databaseName string
@description('Principal ids granted Cosmos DB Built-in Data Contributor: the Function App identity and, optionally, the deployer.')
param dataContributorPrincipalIds array

// One list of containers (name, partition key, unique keys, composite indexes, time to live), compared with the code's
// LiveChat.Core/Storage/Containers.cs by a test so the two cannot drift.
var containers = loadJsonContent('../containers.json')

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [ { locationName: location, failoverPriority: 0, isZoneRedundant: false } ]
    capabilities: [ { name: 'EnableServerless' } ]
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: { resource: { id: databaseName } }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for c in containers: {
  parent: database
  name: c.name
  properties: {
    resource: union({
      id: c.name
      partitionKey: { paths: c.partitionKey, kind: length(c.partitionKey) > 1 ? 'MultiHash' : 'Hash', version: 2 }
      uniqueKeyPolicy: { uniqueKeys: map(c.uniqueKeys, k => { paths: k }) }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [ { path: '/*' } ]
        excludedPaths: [ { path: '/"_etag"/?' } ]
        compositeIndexes: c.compositeIndexes
      }
    }, contains(c, 'defaultTtl') ? { defaultTtl: c.defaultTtl } : {})
  }
}]

// 00000000-0000-0000-0000-000000000002 is Cosmos DB Built-in Data Contributor.
resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [for principalId in dataContributorPrincipalIds: {
  parent: account
  name: guid(account.id, principalId, 'data-contributor')
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'
    principalId: principalId
    scope: account.id
  }
}]

output endpoint string = account.properties.documentEndpoint
output accountName string = account.name
