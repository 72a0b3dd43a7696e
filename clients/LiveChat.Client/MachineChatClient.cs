using System.Net;

namespace LiveChat.Client;

/// <summary>
/// The desktop machine agent's side of LiveChat, authenticated by its machine token. Thread-safe; give it a
/// long-lived <see cref="HttpClient"/> or let it make one.
/// </summary>
public sealed class MachineChatClient
{
    readonly ApiConnection _api;

    /// <param name="baseUrl">The service, e.g. <c>http://127.0.0.1:7071</c> (without <c>/api</c>).</param>
    /// <param name="machineToken">The token issued at registration or rotation.</param>
    /// <param name="http">An HttpClient to use (its BaseAddress is ignored).</param>
    public MachineChatClient(Uri baseUrl, string machineToken, HttpClient? http = null) =>
        _api = new ApiConnection(http ?? new HttpClient(), baseUrl, _ => ValueTask.FromResult(machineToken));

    /// <summary>How posts are retried on transient failures (same clientMessageId every try).</summary>
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>Tells the service the machine is online (for 5 minutes).</summary>
    public Task HeartbeatAsync(CancellationToken ct = default) => _api.SendAsync<object>(HttpMethod.Post, "api/machine/heartbeat", null, ct);

    /// <summary>Sends a heartbeat every <paramref name="interval"/> (default 1 minute) until cancelled; failures are retried next time.</summary>
    public async Task RunHeartbeatAsync(TimeSpan? interval = null, CancellationToken ct = default)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await HeartbeatAsync(ct);
            }
            catch (LiveChatException e) when (e.IsTransient)
            {
                // offline for now: the next beat tries again
            }
            try
            {
                await Task.Delay(interval ?? TimeSpan.FromMinutes(1), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The cheap poll: active sessions and unread totals (revalidated with If-None-Match: an unchanged answer is not sent again).</summary>
    public Task<MachineUpdates> GetUpdatesAsync(CancellationToken ct = default) =>
        _api.GetConditionalAsync<MachineUpdates>("api/machine/chat/updates", ct);

    /// <summary>The machine's active sessions (revalidated with If-None-Match, as the poll).</summary>
    public Task<IReadOnlyList<MachineSession>> GetSessionsAsync(CancellationToken ct = default) =>
        _api.GetConditionalAsync<IReadOnlyList<MachineSession>>("api/machine/chat/sessions", ct);

    /// <summary>The active session's newest messages, or those after <paramref name="since"/> (a nextCursor).</summary>
    public Task<MessagePage> ListMessagesAsync(string ticketId, string? since = null, int? limit = null, CancellationToken ct = default) =>
        _api.SendAsync<MessagePage>(HttpMethod.Get, $"api/machine/tickets/{Uri.EscapeDataString(ticketId)}/chat/messages{Query("since", since, limit)}", null, ct);

    /// <summary>Posts a message, retried on transient failures with one clientMessageId, so it is stored once.</summary>
    public Task<PostedMessage> PostMessageAsync(string ticketId, string body, IReadOnlyList<string>? attachmentIds = null,
        string? clientMessageId = null, CancellationToken ct = default) =>
        _api.PostMessageAsync($"api/machine/tickets/{Uri.EscapeDataString(ticketId)}/chat/messages", body, attachmentIds, clientMessageId, Retry, ct);

    /// <summary>Marks the agent's messages read.</summary>
    public Task<MarkedRead> MarkReadAsync(string ticketId, IReadOnlyList<string> messageIds, CancellationToken ct = default) =>
        _api.SendAsync<MarkedRead>(HttpMethod.Post, $"api/machine/tickets/{Uri.EscapeDataString(ticketId)}/chat/read", new { messageIds }, ct);

    /// <summary>
    /// Uploads a file straight to Blob Storage through a create-only URL, reporting the bytes sent; returns the
    /// attachment id to cite in <see cref="PostMessageAsync"/>.
    /// </summary>
    public Task<string> UploadAsync(Stream content, string fileName, string contentType, IProgress<long>? progress = null, CancellationToken ct = default) =>
        Uploads.UploadAsync(_api, "api/machine/uploads", content, fileName, contentType, progress, ct);

    /// <summary>
    /// Calls <paramref name="onMessage"/> for each message of the ticket's active session, once and in order, from
    /// <paramref name="since"/> (null: the newest window) until cancelled: woken by push, caught up after every
    /// reconnect, polling while push is unavailable.
    /// </summary>
    public Task WatchMessagesAsync(string ticketId, string? since, Func<ChatMessage, Task> onMessage, FeedOptions? options = null,
        CancellationToken ct = default) =>
        new MessageFeed(_api, "api/machine", (cursor, token) => ListMessagesAsync(ticketId, cursor, null, token), ticketId, options ?? new())
            .RunAsync(since, onMessage, ct);

    /// <summary>
    /// Every push event of this machine (sessionStarted, sessionEnded, messageCreated, messagesRead, unreadChanged) as
    /// it comes, until the returned connection is disposed; it reconnects on its own, but events missed meanwhile
    /// are not replayed (<see cref="WatchMessagesAsync"/> catches messages up).
    /// </summary>
    public Task<IAsyncDisposable> ListenAsync(Action<string, System.Text.Json.JsonElement> onEvent, CancellationToken ct = default) =>
        PushEvents.ListenAsync(_api, "api/machine", onEvent, ct);

    internal static string Query(string name, string? cursor, int? limit)
    {
        var parts = new List<string>();
        if (cursor is not null) parts.Add($"{name}={WebUtility.UrlEncode(cursor)}");
        if (limit is not null) parts.Add($"limit={limit}");
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
