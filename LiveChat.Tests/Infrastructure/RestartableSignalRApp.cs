using LiveChat.SignalRStandIn;
using Microsoft.AspNetCore.Builder;

namespace LiveChat.Tests.Infrastructure;

/// <summary>The service with a SignalR stand-in of its own, so a test can take SignalR down and bring it back.</summary>
public class RestartableSignalRApp : LiveChatApp
{
    WebApplication? _signalR;
    string _endpoint = "";

    public override async Task InitializeAsync()
    {
        _endpoint = $"http://127.0.0.1:{LocalStack.FreePort()}";
        await StartSignalRAsync();
        await base.InitializeAsync();
    }

    protected override Dictionary<string, string?> Settings => new()
    {
        ["SignalR:ConnectionString"] = $"Endpoint={_endpoint};AccessKey={LocalStack.SignalRAccessKey};Version=1.0;",
        // Publishes failing while it is down open the breaker; it probes again soon, so pushes resume at once.
        ["SignalR:CircuitBreakDuration"] = "00:00:01",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_signalR is not null) await _signalR.DisposeAsync();
    }

    /// <summary>Stops it as a crash or a network drop would look to clients: every connection closes.</summary>
    public async Task StopSignalRAsync()
    {
        await _signalR!.StopAsync();
        await _signalR.DisposeAsync();
    }

    /// <summary>Whether the user has an open client connection (the REST API's user-exists check).</summary>
    public async Task<bool> UserConnectedAsync(string user)
    {
        var url = $"{_endpoint}/api/hubs/livechat/users/{Uri.EscapeDataString(user)}";
        using var request = new HttpRequestMessage(HttpMethod.Head, $"{url}?api-version=2024-12-01");
        request.Headers.Authorization = new("Bearer",
            LiveChat.Core.Realtime.SignalRTokens.Create(LocalStack.SignalRAccessKey, url, TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(5)));
        using var http = new HttpClient();
        return (await http.SendAsync(request)).IsSuccessStatusCode;
    }

    /// <summary>A new one on the same address: it knows no connection or group of the old one.</summary>
    public async Task StartSignalRAsync()
    {
        _signalR = StandIn.Build(LocalStack.SignalRAccessKey, ["--urls", _endpoint, "--Logging:LogLevel:Default=Warning"]);
        await _signalR.StartAsync();
    }
}
