using 'main.bicep'

// azd fills these from its environment (azd env set NAME value); defaults here are placeholders to replace.
param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'livechat')
param location = readEnvironmentVariable('AZURE_LOCATION', 'brazilsouth')
param identityAuthority = readEnvironmentVariable('LIVECHAT_IDENTITY_AUTHORITY', 'https://login.microsoftonline.com/common/v2.0')
param identityAudience = readEnvironmentVariable('LIVECHAT_IDENTITY_AUDIENCE', 'api://livechat')
param agentWebOrigin = readEnvironmentVariable('LIVECHAT_AGENT_WEB_ORIGIN', 'https://helpdesk.example.com')
