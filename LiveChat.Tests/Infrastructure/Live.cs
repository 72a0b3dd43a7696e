using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveChat.Tests.Infrastructure;

/// <summary>A stock .NET SignalR client connected through LiveChat's negotiate route, recording what it receives.</summary>
public sealed class LiveClient : IAsyncDisposable
{
    public HubConnection Connection { get; }
    public ConcurrentQueue<(string Target, JsonElement Payload)> Received { get; } = new();

    LiveClient(HubConnection connection)
    {
        Connection = connection;
        foreach (var target in LiveChat.Client.PushEventNames.All)
            connection.On<JsonElement>(target, payload => Received.Enqueue((target, payload)));
    }

    /// <summary>basePath: /api/machine or /api/agent. Negotiate goes to the app, which redirects the client to SignalR.</summary>
    public static async Task<LiveClient> ConnectAsync(LiveChatApp app, string basePath, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.BaseAddress, basePath), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var client = new LiveClient(connection);
        await connection.StartAsync();
        return client;
    }

    public async Task<JsonElement> WaitForAsync(string target, Func<JsonElement, bool>? match = null, int timeoutMs = 5000)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.ElapsedMilliseconds < timeoutMs)
        {
            foreach (var (t, payload) in Received)
                if (t == target && (match is null || match(payload))) return payload;
            await Task.Delay(10);
        }
        throw new TimeoutException($"No {target} received; got: {string.Join(", ", Received.Select(r => r.Target))}");
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
