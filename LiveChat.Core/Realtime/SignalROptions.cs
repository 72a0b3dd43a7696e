namespace LiveChat.Core.Realtime;

/// <summary>Section "SignalR": Azure SignalR Service in serverless mode, spoken over its REST API.</summary>
public sealed class SignalROptions
{
    /// <summary>"Endpoint=https://x.service.signalr.net;AccessKey=...;Version=1.0;" (optional Port). Empty: push is off.</summary>
    public string? ConnectionString { get; set; }
    public string Hub { get; set; } = "livechat";
    public TimeSpan ClientTokenLifetime { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How long one publish may take, retries included; push never holds a request longer.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(3);
    public int PublishAttempts { get; set; } = 3;
    /// <summary>
    /// Once half of at least 4 publishes within 30 s failed, publishes fail at once (no waiting) for this long, then
    /// one is let through to probe whether SignalR is back.
    /// </summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// The parts of a SignalR Service connection string that matter here. With AccessKey, every token is signed with the
/// key (the local stand-in). With AuthType=azure or azure.msi and no key, the app's Entra identity calls the REST API
/// and client tokens come from the service's generateToken operation: no secret in settings.
/// </summary>
public sealed record SignalRConnection(Uri Endpoint, string? AccessKey)
{
    public bool UsesIdentity => AccessKey is null;

    public static SignalRConnection Parse(string connectionString)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Endpoint", out var endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            throw new FormatException("SignalR connection string needs Endpoint=<absolute URL>.");
        var key = parts.TryGetValue("AccessKey", out var k) && k.Length > 0 ? k : null;
        var identity = parts.TryGetValue("AuthType", out var authType) && authType.ToLowerInvariant() is "azure" or "azure.msi";
        if (key is null == !identity)
            throw new FormatException("SignalR connection string needs either AccessKey=<key> or AuthType=azure.msi (managed identity), not both.");
        var builder = new UriBuilder(uri) { Path = "" };
        if (parts.TryGetValue("Port", out var port) && int.TryParse(port, out var p)) builder.Port = p;
        return new SignalRConnection(new Uri(builder.Uri.GetLeftPart(UriPartial.Authority)), key);
    }

    public string ClientUrl(string hub) => $"{Endpoint.AbsoluteUri.TrimEnd('/')}/client/?hub={hub}";
    public string RestUrl(string hub, string path) => $"{Endpoint.AbsoluteUri.TrimEnd('/')}/api/hubs/{Uri.EscapeDataString(hub)}/{path}";
}
