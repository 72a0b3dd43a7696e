namespace LiveChat.Client;

/// <summary>The agent panel's side of LiveChat, authenticated by the agent's JWT (asked for before each call).</summary>
public sealed class AgentChatClient
{
    readonly ApiConnection _api;

    /// <param name="baseUrl">The service, e.g. <c>http://127.0.0.1:7071</c> (without <c>/api</c>).</param>
    /// <param name="accessToken">The agent's current access token (called before each request, so it may refresh).</param>
    /// <param name="http">An HttpClient to use (its BaseAddress is ignored).</param>
    public AgentChatClient(Uri baseUrl, Func<CancellationToken, ValueTask<string>> accessToken, HttpClient? http = null) =>
        _api = new ApiConnection(http ?? new HttpClient(), baseUrl, accessToken);

    /// <summary>With a fixed token.</summary>
    public AgentChatClient(Uri baseUrl, string accessToken, HttpClient? http = null) : this(baseUrl, _ => ValueTask.FromResult(accessToken), http) { }

    /// <summary>How posts are retried on transient failures (same clientMessageId every try).</summary>
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>Starts the ticket's live chat (the machine must be online), or returns its active session.</summary>
    public Task<StartedSession> StartSessionAsync(string ticketId, CancellationToken ct = default) =>
        _api.SendAsync<StartedSession>(HttpMethod.Post, $"api/tickets/{Uri.EscapeDataString(ticketId)}/chat/session", null, ct);

    /// <summary>Ends a session.</summary>
    public Task EndSessionAsync(string sessionId, CancellationToken ct = default) =>
        _api.SendAsync<OkAnswer>(HttpMethod.Post, $"api/chat/sessions/{Uri.EscapeDataString(sessionId)}/end", null, ct);

    /// <summary>The ticket's newest messages, or those after <paramref name="after"/> (a nextCursor).</summary>
    public Task<MessagePage> ListMessagesAsync(string ticketId, string? after = null, int? limit = null, CancellationToken ct = default) =>
        _api.SendAsync<MessagePage>(HttpMethod.Get, $"api/tickets/{Uri.EscapeDataString(ticketId)}/chat/messages{MachineChatClient.Query("after", after, limit)}", null, ct);

    /// <summary>Posts a message, retried on transient failures with one clientMessageId, so it is stored once.</summary>
    public Task<PostedMessage> PostMessageAsync(string ticketId, string body, IReadOnlyList<string>? attachmentIds = null,
        string? clientMessageId = null, CancellationToken ct = default) =>
        _api.PostMessageAsync($"api/tickets/{Uri.EscapeDataString(ticketId)}/chat/messages", body, attachmentIds, clientMessageId, Retry, ct);

    /// <summary>Marks the machine's messages read.</summary>
    public Task<MarkedRead> MarkReadAsync(string ticketId, IReadOnlyList<string> messageIds, CancellationToken ct = default) =>
        _api.SendAsync<MarkedRead>(HttpMethod.Post, $"api/tickets/{Uri.EscapeDataString(ticketId)}/chat/read", new { messageIds }, ct);

    /// <summary>The ticket's sessions with their messages, newest first (<paramref name="before"/>: the previous page's nextBefore).</summary>
    public Task<ChatHistory> GetHistoryAsync(string ticketId, long? before = null, CancellationToken ct = default) =>
        _api.SendAsync<ChatHistory>(HttpMethod.Get, $"api/tickets/{Uri.EscapeDataString(ticketId)}/chat/history{(before is null ? "" : $"?before={before}")}", null, ct);

    /// <summary>The tenant's active sessions.</summary>
    public Task<IReadOnlyList<AgentSession>> GetSessionsAsync(CancellationToken ct = default) =>
        _api.SendAsync<IReadOnlyList<AgentSession>>(HttpMethod.Get, "api/agent/chat/sessions", null, ct);

    /// <summary>Uploads a file through a create-only URL, reporting the bytes sent; returns the attachment id.</summary>
    public Task<string> UploadAsync(Stream content, string fileName, string contentType, IProgress<long>? progress = null, CancellationToken ct = default) =>
        Uploads.UploadAsync(_api, "api/agent/uploads", content, fileName, contentType, progress, ct);

    /// <summary>
    /// Calls <paramref name="onMessage"/> for each message of the ticket, once and in order, from
    /// <paramref name="after"/> (null: the newest window) until cancelled: woken by push, caught up after every
    /// reconnect, polling while push is unavailable.
    /// </summary>
    public Task WatchMessagesAsync(string ticketId, string? after, Func<ChatMessage, Task> onMessage, FeedOptions? options = null,
        CancellationToken ct = default) =>
        new MessageFeed(_api, "api/agent", (cursor, token) => ListMessagesAsync(ticketId, cursor, null, token), ticketId, options ?? new())
            .RunAsync(after, onMessage, ct);

    /// <summary>
    /// Every push event of the agent's tenant as it comes, until the returned connection is disposed; it reconnects on
    /// its own, but events missed meanwhile are not replayed (<see cref="WatchMessagesAsync"/> catches messages up).
    /// </summary>
    public Task<IAsyncDisposable> ListenAsync(Action<string, System.Text.Json.JsonElement> onEvent, CancellationToken ct = default) =>
        PushEvents.ListenAsync(_api, "api/agent", onEvent, ct);
}
