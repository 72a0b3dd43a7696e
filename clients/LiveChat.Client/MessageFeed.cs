using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveChat.Client;

/// <summary>
/// A ticket's messages, each delivered once and in order, read forward from a cursor. Pushed <c>messageCreated</c>
/// events only wake the reader; so does every reconnect, which is how messages sent while the connection was down
/// are caught up. While push is unavailable the reader polls. Nothing is delivered from the push payload itself.
/// </summary>
sealed class MessageFeed(ApiConnection api, string hubPath, Func<string?, CancellationToken, Task<MessagePage>> readAfter,
    string ticketId, FeedOptions options)
{
    readonly SemaphoreSlim _wake = new(0);
    readonly HashSet<string> _delivered = [];

    public string? Cursor { get; private set; }

    /// <summary>Runs until <paramref name="ct"/> is cancelled, then returns.</summary>
    public async Task RunAsync(string? cursor, Func<ChatMessage, Task> onMessage, CancellationToken ct)
    {
        try
        {
            await FeedAsync(cursor, onMessage, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped by the caller
        }
    }

    async Task FeedAsync(string? cursor, Func<ChatMessage, Task> onMessage, CancellationToken ct)
    {
        Cursor = cursor;
        await using var push = new HubConnectionBuilder()
            .WithUrl(new Uri(api.BaseUrl, hubPath), o => o.AccessTokenProvider = async () => await api.TokenAsync(CancellationToken.None))
            .WithAutomaticReconnect(new ForeverRetry())
            .Build();
        push.On<JsonElement>(PushEventNames.MessageCreated, payload =>
        {
            if (payload.TryGetProperty("ticketId", out var t) && t.GetString() == ticketId) Wake();
        });
        push.Reconnected += _ => { Wake(); return Task.CompletedTask; };
        // A drop ends the long wait of a connected feed at once: it polls from now on, not after SafetyPollEvery.
        push.Reconnecting += _ => { Wake(); return Task.CompletedTask; };
        push.Closed += _ => { Wake(); return Task.CompletedTask; };

        var nextConnect = DateTimeOffset.MinValue;
        while (!ct.IsCancellationRequested)
        {
            if (push.State == HubConnectionState.Disconnected && options.Time.GetUtcNow() >= nextConnect)
            {
                try
                {
                    await push.StartAsync(ct);
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    nextConnect = options.Time.GetUtcNow() + options.ReconnectEvery; // meanwhile: polling
                }
            }

            await DrainAsync(onMessage, ct);
            var wait = push.State == HubConnectionState.Connected ? options.SafetyPollEvery : options.PollEvery;
            await _wake.WaitAsync(wait, ct);
        }
    }

    void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    /// <summary>Reads from the cursor until the service has nothing newer; a failed read is left to the next wake.</summary>
    async Task DrainAsync(Func<ChatMessage, Task> onMessage, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var page = await readAfter(Cursor, ct);
                foreach (var message in page.Messages)
                    if (_delivered.Add(message.Id)) await onMessage(message);
                if (_delivered.Count > 10_000) _delivered.Clear(); // the cursor alone already prevents repeats
                if (page.NextCursor is null || page.NextCursor == Cursor || page.Messages.Count == 0) return;
                Cursor = page.NextCursor;
            }
        }
        catch (LiveChatException e) when (e.IsTransient)
        {
            // the service or the network is down: the next poll or push tries again from the same cursor
        }
    }

    sealed class ForeverRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) =>
            TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(context.PreviousRetryCount, 5))));
    }
}

/// <summary>How a message feed waits: polls while push is down, a slow safety poll while it is up.</summary>
public sealed record FeedOptions
{
    /// <summary>Poll interval while push is unavailable.</summary>
    public TimeSpan PollEvery { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>A read from the cursor now and then even while push works, in case an event was lost.</summary>
    public TimeSpan SafetyPollEvery { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a push connection that could not start is tried again.</summary>
    public TimeSpan ReconnectEvery { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The clock the feed schedules by.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
