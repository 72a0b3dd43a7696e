using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LiveChat.Core;
using LiveChat.Core.Identity;
using LiveChat.Core.Limits;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using LiveChat.Core.Uploads;
using LiveChat.Functions;
using LiveChat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace LiveChat.Tests.Storage;

/// <summary>
/// What `azd up` deploys, read from the compiled ARM JSON of infra/main.bicep: keyless everywhere, the roles the
/// app needs, and a value in Azure for every setting the code reads.
/// </summary>
public sealed class DeploymentTemplateTests
{
    static readonly string Infra = Path.Combine(LocalStack.RepoRoot, "infra");
    static readonly Lazy<Task<JsonObject>> Compiled = new(async () =>
    {
        var (exitCode, output) = await InfrastructureTests.RunBicepAsync("build", "main.bicep", "--stdout");
        Assert.True(exitCode == 0, output);
        return JsonNode.Parse(output)!.AsObject();
    });

    /// <summary>Every resource of the template and of the templates it deploys.</summary>
    static IEnumerable<JsonObject> Resources(JsonObject template)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject symbolic => symbolic.Select(r => r.Value!.AsObject()),
            _ => [],
        };
        foreach (var resource in resources.Where(r => r["existing"] is null))
        {
            yield return resource;
            if (resource["properties"]?["template"] is JsonObject nested)
                foreach (var inner in Resources(nested)) yield return inner;
        }
    }

    static async Task<List<JsonObject>> OfTypeAsync(string type) =>
        Resources(await Compiled.Value).Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase)).ToList();

    static async Task<JsonObject> AppSettingsAsync()
    {
        var functionApp = (await OfTypeAsync("Microsoft.Resources/deployments")).Single(d => (string?)d["name"] == "functionapp");
        return functionApp["properties"]!["parameters"]!["appSettings"]!["value"]!.AsObject();
    }

    [Fact]
    public async Task It_deploys_at_subscription_scope_into_its_own_resource_group()
    {
        var template = await Compiled.Value;
        Assert.Contains("subscriptionDeploymentTemplate", (string)template["$schema"]!);
        var group = Assert.Single(await OfTypeAsync("Microsoft.Resources/resourceGroups"));
        Assert.Equal("[format('rg-{0}', parameters('environmentName'))]", (string?)group["name"]);
    }

    [Fact]
    public async Task Required_values_have_no_placeholder_so_azd_asks_for_them()
    {
        var parameters = (await Compiled.Value)["parameters"]!.AsObject();
        var mapped = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Infra, "main.parameters.json")))!["parameters"]!.AsObject();
        Assert.Equal(parameters.Select(p => p.Key).Where(k => k != "sweepSchedule").Order(), mapped.Select(p => p.Key).Order());
        foreach (var (name, definition) in parameters.Where(p => p.Value!["defaultValue"] is null))
        {
            var value = (string?)mapped[name]?["value"];
            Assert.True(value is not null && Regex.IsMatch(value, @"^\$\{[A-Z_]+\}$"), $"{name} must map to an azd variable without a default, not {value}");
        }
        Assert.Equal("[parameters('sku')]", (string?)(await OfTypeAsync("Microsoft.SignalRService/signalR")).Single()["sku"]!["name"]);
        Assert.Equal("Standard_S1", (string?)parameters["signalRSku"]!["defaultValue"]);
        Assert.Equal(1, (int?)parameters["signalRUnits"]!["defaultValue"]);
    }

    [Fact]
    public async Task The_agent_console_is_off_unless_asked_for_and_then_its_origin_may_upload_and_connect()
    {
        var parameters = (await Compiled.Value)["parameters"]!.AsObject();
        Assert.False((bool)parameters["enableAgentConsole"]!["defaultValue"]!);
        Assert.Equal("[if(parameters('enableAgentConsole'), 'true', 'false')]", (string?)(await AppSettingsAsync())["AgentConsole__Enabled"]);
        // The blob service's CORS rules and SignalR's allowed origins both take the same list, which adds the app's own
        // origin when the console is on.
        var resources = (await OfTypeAsync("Microsoft.Resources/deployments")).Single(d => (string?)d["name"] == "livechat-resources");
        var origins = (string?)resources["properties"]!["template"]!["variables"]!["browserOrigins"];
        Assert.Equal("[if(parameters('enableAgentConsole'), createArray(parameters('agentWebOrigin'), format('https://{0}.azurewebsites.net', variables('functionAppName'))), createArray(parameters('agentWebOrigin')))]", origins);
        foreach (var module in new[] { "storage", "signalr" })
            Assert.Equal("[variables('browserOrigins')]", (string?)(await OfTypeAsync("Microsoft.Resources/deployments"))
                .Single(d => (string?)d["name"] == module)["properties"]!["parameters"]!["allowedOrigins"]!["value"]);
    }

    [Fact]
    public async Task No_key_reaches_the_template_or_the_app_settings()
    {
        var text = (await Compiled.Value).ToJsonString();
        foreach (var keyed in new[] { "listKeys", "listConnectionStrings", "AccountKey=", "AccessKey=", "SharedAccessKey" })
            Assert.DoesNotContain(keyed, text, StringComparison.OrdinalIgnoreCase);
        var settings = await AppSettingsAsync();
        Assert.Equal("[format('Endpoint=https://{0};AuthType=azure.msi;Version=1.0;', reference('signalr').outputs.hostName.value)]",
            (string?)settings["SignalR__ConnectionString"]);
        Assert.Equal("Authorization=AAD", (string?)settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Null(settings["Cosmos__ConnectionString"]);
        Assert.Null(settings["Blob__ConnectionString"]);
        Assert.Null(settings["AzureWebJobsStorage"]);
    }

    [Fact]
    public async Task Local_auth_is_off_on_Cosmos_Storage_SignalR_and_Application_Insights()
    {
        Assert.Equal(true, (bool?)(await OfTypeAsync("Microsoft.DocumentDB/databaseAccounts")).Single()["properties"]!["disableLocalAuth"]);
        Assert.Equal(false, (bool?)(await OfTypeAsync("Microsoft.Storage/storageAccounts")).Single()["properties"]!["allowSharedKeyAccess"]);
        Assert.Equal(true, (bool?)(await OfTypeAsync("Microsoft.SignalRService/signalR")).Single()["properties"]!["disableLocalAuth"]);
        Assert.Equal(true, (bool?)(await OfTypeAsync("Microsoft.Insights/components")).Single()["properties"]!["DisableLocalAuth"]);
    }

    [Fact]
    public async Task The_webhook_queue_and_its_poison_queue_are_in_the_storage_account_reached_with_the_apps_identity()
    {
        var queues = (await OfTypeAsync("Microsoft.Storage/storageAccounts/queueServices/queues")).Select(q => (string?)q["name"]).ToList();
        Assert.Equal(2, queues.Count);
        Assert.Contains(queues, q => q!.Contains("webhookQueueName") && !q.Contains("poison"));
        Assert.Contains(queues, q => q!.Contains("-poison"));
        var settings = await AppSettingsAsync();
        Assert.Contains("queueEndpoint", (string?)settings["WebhookQueue__queueServiceUri"]);
        Assert.Null(settings["WebhookQueue"]);
        Assert.NotNull(settings["Webhooks__Queue"]);
        Assert.Null(settings["Webhooks__AllowLoopback"]);
    }

    [Theory]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts")]      // Storage Blob Data Owner
    [InlineData("420fcaa2-552c-430f-98ca-3264be4806c7", "Microsoft.SignalRService/signalR")]        // SignalR App Server
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components")]           // Monitoring Metrics Publisher
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts")]      // Storage Queue Data Contributor
    public async Task The_apps_identity_holds_each_role_it_needs_on_its_resource(string role, string scopeType)
    {
        var assignments = (await OfTypeAsync("Microsoft.Authorization/roleAssignments"))
            .Where(a => ((string?)a["properties"]!["roleDefinitionId"])!.Contains(role)).ToList();
        var assignment = Assert.Single(assignments);
        Assert.Contains(scopeType, (string?)assignment["scope"]);
        Assert.Contains("'functionApp'", (string?)assignment["properties"]!["principalId"]);
        Assert.Null(assignment["condition"]);
    }

    [Fact]
    public async Task The_app_and_the_deployer_are_Cosmos_data_contributors_and_the_deployer_may_use_blobs()
    {
        var sqlRole = Assert.Single(await OfTypeAsync("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"));
        Assert.Contains("00000000-0000-0000-0000-000000000002", (string?)sqlRole["properties"]!["roleDefinitionId"]);
        Assert.Contains("dataContributorPrincipalIds", (string?)sqlRole["copy"]?["count"]);
        var cosmos = (await OfTypeAsync("Microsoft.Resources/deployments")).Single(d => (string?)d["name"] == "cosmos");
        var principals = (string?)cosmos["properties"]!["parameters"]!["dataContributorPrincipalIds"];
        Assert.Contains("'functionApp'", principals);
        Assert.Contains("parameters('principalId')", principals);

        var deployerBlobs = (await OfTypeAsync("Microsoft.Authorization/roleAssignments"))
            .Single(a => ((string?)a["properties"]!["roleDefinitionId"])!.Contains("ba92f5b4-2d11-453d-a403-e96b0029c9fe"));
        Assert.Equal("[parameters('principalId')]", (string?)deployerBlobs["properties"]!["principalId"]);
        Assert.Equal("[not(empty(parameters('principalId')))]", (string?)deployerBlobs["condition"]);
    }

    /// <summary>Local settings that Azure replaces with a keyless one, or that only the local stand-ins need.</summary>
    static readonly Dictionary<string, string?> LocalOnly = new()
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = null,                             // functionAppConfig.runtime on Flex Consumption
        ["AzureWebJobsStorage"] = "AzureWebJobsStorage__accountName",
        ["Cosmos__ConnectionString"] = "Cosmos__Endpoint",
        ["Cosmos__AcceptSelfSignedCertificate"] = null,                  // the local stand-in's certificate
        ["Cosmos__ConnectionMode"] = null,                               // Gateway for the stand-in; Direct by default
        ["Blob__ConnectionString"] = "Blob__ServiceUri",
        ["Blob__CorsOrigins"] = null,                                    // the storage account's CORS rules (storage.bicep)
        ["Identity__Issuer"] = null,                                     // from the authority's metadata
        ["Identity__DevSigningKey"] = null,                              // local dev tokens only
        ["WebhookQueue"] = "WebhookQueue__queueServiceUri",              // the queue with the app's identity
        ["Webhooks__AllowLoopback"] = null,                              // local receivers only; off in Azure
    };

    static readonly Dictionary<string, Type> Sections = new()
    {
        ["Cosmos"] = typeof(StoreOptions), ["Blob"] = typeof(UploadOptions), ["SignalR"] = typeof(SignalROptions),
        ["Identity"] = typeof(IdentityOptions), ["RateLimits"] = typeof(RateLimitOptions), ["LiveChat"] = typeof(LiveChatOptions),
        ["Webhooks"] = typeof(LiveChat.Core.Webhooks.WebhookOptions),
    };

    [Fact]
    public async Task Every_setting_the_code_reads_has_a_value_in_Azure()
    {
        var sample = JsonNode.Parse(await File.ReadAllTextAsync(TestSettings.SampleFile))!["Values"]!.AsObject()
            .ToDictionary(s => s.Key, s => (string?)s.Value);
        var deployed = (await AppSettingsAsync()).Select(s => s.Key).ToHashSet();

        // Nothing deployed that the code does not know.
        var known = sample.Keys.Concat(LocalOnly.Values.OfType<string>()).Concat(["APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Empty(deployed.Except(known));

        var missing = new List<string>();
        foreach (var (key, value) in sample)
        {
            if (deployed.Contains(key)) continue;
            if (LocalOnly.TryGetValue(key, out var replacement))
            {
                if (replacement is not null && !deployed.Contains(replacement)) missing.Add($"{key} (as {replacement})");
                continue;
            }
            // Not deployed: the code's default must be the value local.settings.sample.json documents.
            var section = key.Split("__")[0];
            if (!Sections.TryGetValue(section, out var type)) { missing.Add(key); continue; }
            var defaults = Activator.CreateInstance(type)!;
            var bound = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(key.Replace("__", ":"), value)]).Build()
                .GetSection(section).Get(type) ?? Activator.CreateInstance(type)!;
            if (JsonSerializer.Serialize(defaults, type) != JsonSerializer.Serialize(bound, type)) missing.Add($"{key} (sample {value}, no such default)");
        }
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("Authorization=AAD", true)]
    [InlineData("Authorization=AAD;ClientId=3f1c9c2e-1111-2222-3333-444455556666", true)]
    public void Application_Insights_uses_the_managed_identity_when_told_to(string? authentication, bool keyless) =>
        Assert.Equal(keyless, TelemetryRegistration.AzureMonitorIdentity(authentication) is not null);
}
