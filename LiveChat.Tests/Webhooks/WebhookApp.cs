using System.Net.Http.Json;
using System.Text.Json;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Webhooks;

/// <summary>The app with a retry schedule of seconds (the real one spans 27 hours) and no endpoint cache.</summary>
public class WebhookApp : LiveChatApp
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["Webhooks:RetrySchedule"] = "00:00:01,00:00:01,00:00:02,00:00:02,00:00:03,00:00:03,00:00:04,00:00:04,00:00:05,00:00:05,00:00:05,00:00:05",
        ["Webhooks:AttemptTimeout"] = "00:00:02",
        ["Webhooks:EndpointsCacheFor"] = "00:00:00",
        ["Webhooks:ConfirmWithin"] = "00:00:04",
        ["Webhooks:RelayAfter"] = "00:00:01",
        ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500",
        ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:01",
    };
}

/// <summary>Endpoints fail into disabled within seconds.</summary>
public sealed class QuicklyDisablingWebhookApp : WebhookApp
{
    protected override Dictionary<string, string?> Settings => new(base.Settings) { ["Webhooks:DisableAfter"] = "00:00:04" };
}

public static class WebhookSteps
{
    /// <summary>An endpoint of the tenant for the url (all events unless told), and its secret.</summary>
    public static async Task<(string Id, string Secret)> WebhookAsync(this Tenant tenant, string url, string[]? events = null)
    {
        var created = await (await tenant.Admin.PostAsJsonAsync("/api/manage/webhooks", new { url, events })).OkJsonAsync(201);
        return (created.GetProperty("endpoint").GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    public static async Task<List<JsonElement>> DeliveriesAsync(this Tenant tenant, string endpointId) =>
        [.. (await (await tenant.Admin.GetAsync($"/api/manage/webhooks/{endpointId}/deliveries")).OkJsonAsync()).GetProperty("items").EnumerateArray()];

    public static string Type(this JsonElement received) => received.GetProperty("type").GetString()!;
    public static JsonElement Data(this JsonElement received) => received.GetProperty("body").GetProperty("data");
}
