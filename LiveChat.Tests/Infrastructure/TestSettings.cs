using System.Text.Json;

namespace LiveChat.Tests.Infrastructure;

/// <summary>
/// The app settings a test run uses: the documented sample (local.settings.sample.json), pointed at this run's
/// local servers and a database of its own, with a test's overrides on top. Keys in configuration form
/// ("Cosmos:Database"); <see cref="AsAppSettings"/> gives the environment form the worker gets ("Cosmos__Database").
/// </summary>
public static class TestSettings
{
    public static string SampleFile { get; } = Path.Combine(LocalStack.RepoRoot, "local.settings.sample.json");

    public static Dictionary<string, string?> For(LocalStack stack, string database, IReadOnlyDictionary<string, string?> overrides)
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(SampleFile));
        var settings = sample.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(v => v.Name.Replace("__", ":"), v => (string?)v.Value.GetString());
        settings["Cosmos:ConnectionString"] = stack.CosmosConnectionString;
        settings["Cosmos:AcceptSelfSignedCertificate"] = stack.CosmosIsLocal.ToString();
        settings["Cosmos:Database"] = database;
        settings["Blob:ConnectionString"] = stack.BlobConnectionString;
        settings["Blob:Container"] = "uploads-" + database;
        settings["SignalR:ConnectionString"] = stack.SignalRConnectionString;
        settings["WebhookQueue"] = stack.QueueConnectionString;
        settings["Webhooks:Queue"] = ("webhooks-" + database.ToLowerInvariant()).Replace("_", "-");
        settings["LiveChat:MachineTokenCacheFor"] = "00:00:00";
        settings["LiveChat:AgentUserCacheFor"] = "00:00:00";
        // Tests post hundreds of messages from one caller in a moment; RateLimitTests sets real limits.
        foreach (var kind in new[] { "Posts", "Uploads", "Typing", "Negotiate" })
            (settings[$"RateLimits:{kind}:Burst"], settings[$"RateLimits:{kind}:PerMinute"]) = ("100000", "100000");
        foreach (var (key, value) in overrides) settings[key] = value;
        return settings;
    }

    public static Dictionary<string, string?> AsAppSettings(IReadOnlyDictionary<string, string?> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value);
}
