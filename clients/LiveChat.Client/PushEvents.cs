using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveChat.Client;

/// <summary>The raw push events of one caller (docs/realtime.md), for clients that want them as they come.</summary>
static class PushEvents
{
    public static readonly string[] Targets = ["sessionStarted", "sessionEnded", "messageCreated", "messagesRead", "unreadChanged", "typing", "messageUpdated", "messageDeleted"];

    public static async Task<IAsyncDisposable> ListenAsync(ApiConnection api, string hubPath, Action<string, JsonElement> onEvent, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(api.BaseUrl, hubPath), o => o.AccessTokenProvider = async () => await api.TokenAsync(CancellationToken.None))
            .WithAutomaticReconnect()
            .Build();
        foreach (var target in Targets) connection.On<JsonElement>(target, payload => onEvent(target, payload));
        await connection.StartAsync(ct);
        return connection;
    }
}
