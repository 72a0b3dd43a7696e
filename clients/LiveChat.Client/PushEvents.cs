using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveChat.Client;

/// <summary>The names of the push events (docs/realtime.md); the service's own are tested to be these.</summary>
public static class PushEventNames
{
    /// <summary>A chat started (both sides).</summary>
    public const string SessionStarted = "sessionStarted";
    /// <summary>A chat ended, by an agent or the sweep (both sides).</summary>
    public const string SessionEnded = "sessionEnded";
    /// <summary>A message was stored (both sides); its payload carries the cursor.</summary>
    public const string MessageCreated = "messageCreated";
    /// <summary>Messages were marked read (both sides).</summary>
    public const string MessagesRead = "messagesRead";
    /// <summary>The receiving side's unread count changed.</summary>
    public const string UnreadChanged = "unreadChanged";
    /// <summary>The other side is typing.</summary>
    public const string Typing = "typing";
    /// <summary>A message was edited (both sides).</summary>
    public const string MessageUpdated = "messageUpdated";
    /// <summary>A message was deleted (both sides).</summary>
    public const string MessageDeleted = "messageDeleted";

    /// <summary>Every event name, for a client that listens to all of them.</summary>
    public static IReadOnlyList<string> All { get; } =
        [SessionStarted, SessionEnded, MessageCreated, MessagesRead, UnreadChanged, Typing, MessageUpdated, MessageDeleted];
}

/// <summary>The raw push events of one caller, for clients that want them as they come.</summary>
static class PushEvents
{

    public static async Task<IAsyncDisposable> ListenAsync(ApiConnection api, string hubPath, Action<string, JsonElement> onEvent, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(api.BaseUrl, hubPath), o => o.AccessTokenProvider = async () => await api.TokenAsync(CancellationToken.None))
            .WithAutomaticReconnect()
            .Build();
        foreach (var target in PushEventNames.All) connection.On<JsonElement>(target, payload => onEvent(target, payload));
        await connection.StartAsync(ct);
        return connection;
    }
}
