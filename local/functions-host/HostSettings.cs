using System.Text.Json;

namespace LiveChat.FunctionsHost;

/// <summary>
/// What `func start` reads before it starts a worker: the app settings ("Values") and host settings ("Host") of
/// local.settings.json, and the HTTP route prefix of host.json in the script root (the worker's build output).
/// </summary>
public sealed record HostSettings(
    string ScriptRoot, IReadOnlyDictionary<string, string> Values, string RoutePrefix, int HttpPort, string[] CorsOrigins, bool CorsCredentials)
{
    /// <summary>
    /// scriptRoot: the built Function App. settingsFile: its local.settings.json, created from sampleFile when missing.
    /// overrides win over the file; the host's own environment wins over both, as `func start` skips settings
    /// "already defined in current environment variables".
    /// </summary>
    public static HostSettings Load(string scriptRoot, string settingsFile, string? sampleFile, IReadOnlyDictionary<string, string?> overrides, int? port)
    {
        scriptRoot = Path.GetFullPath(scriptRoot);
        if (!File.Exists(Path.Combine(scriptRoot, "worker.config.json")))
            throw new InvalidOperationException($"No built Function App in {scriptRoot} (worker.config.json missing): build LiveChat.Functions first.");
        if (!File.Exists(settingsFile))
        {
            if (sampleFile is null || !File.Exists(sampleFile))
                throw new InvalidOperationException($"{settingsFile} is missing and there is no sample to create it from.");
            File.Copy(sampleFile, settingsFile);
        }

        using var local = JsonDocument.Parse(File.ReadAllText(settingsFile), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (local.RootElement.TryGetProperty("Values", out var fileValues))
            foreach (var setting in fileValues.EnumerateObject()) values[setting.Name] = setting.Value.ToString();
        foreach (var (key, value) in overrides)
            if (value is null) values.Remove(key); else values[key] = value;
        foreach (var key in values.Keys.ToList())
            if (Environment.GetEnvironmentVariable(key) is { } fromEnvironment) values[key] = fromEnvironment;

        var host = local.RootElement.TryGetProperty("Host", out var h) ? h : default;
        string? HostValue(string name) => host.ValueKind == JsonValueKind.Object && host.TryGetProperty(name, out var v) ? v.ToString() : null;
        var origins = (HostValue("CORS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        return new HostSettings(scriptRoot, values, ReadRoutePrefix(scriptRoot),
            port ?? (int.TryParse(HostValue("LocalHttpPort"), out var p) ? p : 7071),
            origins, bool.TryParse(HostValue("CORSCredentials"), out var credentials) && credentials);
    }

    /// <summary>host.json extensions.http.routePrefix; "api" when absent, as the Functions host defaults.</summary>
    static string ReadRoutePrefix(string scriptRoot)
    {
        var file = Path.Combine(scriptRoot, "host.json");
        if (!File.Exists(file)) return "api";
        using var hostJson = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return hostJson.RootElement.TryGetProperty("extensions", out var extensions)
               && extensions.TryGetProperty("http", out var http)
               && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString()!.Trim('/')
            : "api";
    }

    /// <summary>
    /// "%Name%" in a binding is an app setting, as the host resolves binding expressions from its configuration:
    /// "%Section:Key%" names the setting Section__Key.
    /// </summary>
    public string Resolve(string value) =>
        value is ['%', .. var name, '%']
            ? Setting(name) ?? throw new InvalidOperationException($"App setting '{name}' is not set.")
            : value;

    public string? Setting(string name) =>
        Values.TryGetValue(name, out var setting) || Values.TryGetValue(name.Replace(":", "__"), out setting) ? setting : null;

    /// <summary>AzureWebJobs.{function}.Disabled = true: its trigger does not run, as in Azure.</summary>
    public bool IsDisabled(string function) => bool.TryParse(Setting($"AzureWebJobs.{function}.Disabled"), out var disabled) && disabled;

    /// <summary>
    /// host.json extensions.queues, with the host's defaults (batchSize 16, maxDequeueCount 5, maxPollingInterval 1 min,
    /// visibilityTimeout 0, messageEncoding base64); an app setting AzureFunctionsJobHost__extensions__queues__{name}
    /// overrides the file, as in Azure.
    /// </summary>
    public QueueSettings Queues()
    {
        var file = Path.Combine(ScriptRoot, "host.json");
        JsonElement queues = default;
        if (File.Exists(file))
        {
            using var hostJson = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (hostJson.RootElement.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("queues", out var q)) queues = q.Clone();
        }
        string? Read(string name) =>
            Setting($"AzureFunctionsJobHost__extensions__queues__{name}")
            ?? (queues.ValueKind == JsonValueKind.Object && queues.TryGetProperty(name, out var v) ? v.ToString() : null);
        return new QueueSettings(
            int.TryParse(Read("batchSize"), out var batch) ? batch : 16,
            int.TryParse(Read("maxDequeueCount"), out var dequeue) ? dequeue : 5,
            TimeSpan.TryParse(Read("maxPollingInterval"), out var polling) ? polling : TimeSpan.FromMinutes(1),
            TimeSpan.TryParse(Read("visibilityTimeout"), out var visibility) ? visibility : TimeSpan.Zero,
            !string.Equals(Read("messageEncoding"), "none", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>The queue trigger's settings (host.json extensions.queues).</summary>
public sealed record QueueSettings(int BatchSize, int MaxDequeueCount, TimeSpan MaxPollingInterval, TimeSpan VisibilityTimeout, bool Base64);
