using System.Diagnostics;
using System.Text.Json;
using LiveChat.Core.Storage;
using LiveChat.Core.Telemetry;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Webhooks;

/// <summary>
/// The queue's work. An event: confirmed against the store (its change was written), its body built, one delivery
/// per endpoint that wants it, each attempted at once, then it leaves the outbox. A delivery (a retry or a resend):
/// one signed attempt. On a network error, timeout,
/// 408, 429 or 5xx it is queued again after the next wait of the schedule (or the receiver's Retry-After, if longer);
/// an endpoint that has only failed for <see cref="WebhookOptions.DisableAfter"/> is disabled, with the reason.
/// A failure here (the store down) throws, and the host retries the message (then moves it to the poison queue).
/// </summary>
public sealed class WebhookDispatcher(
    CosmosStore store, IWebhookEventSource source, WebhookEndpoints endpoints, WebhookQueue queue, WebhookSender sender, TimeProvider time,
    IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> log)
{
    static readonly TimeSpan NotYetConfirmedWait = TimeSpan.FromSeconds(5);
    readonly WebhookOptions _options = options.Value;

    public Task HandleAsync(WebhookWork work, CancellationToken ct) => work switch
    {
        { EventId: { } id, EndpointId: { } endpointId } => DeliverAsync(endpointId, id, ct),
        { EventId: { } id } => FanOutAsync(id, ct),
        _ => Task.CompletedTask,
    };

    async Task FanOutAsync(string eventId, CancellationToken ct)
    {
        if (await store.WebhookOutbox.ReadOrNullAsync<WebhookOutboxDocument>(eventId, eventId, ct) is not { } e) return; // handed already
        var now = time.NowMs();
        if (await source.ConfirmAsync(e, ct) is not { } confirmed)
        {
            if (now - e.CreatedAt < (long)_options.ConfirmWithin.TotalMilliseconds)
                await queue.SendAsync(new WebhookWork(EventId: e.Id), NotYetConfirmedWait, ct);
            else
            {
                log.LogInformation("Webhook event {EventId} ({Type}) dropped: its change never reached the store", e.Id, e.Type);
                await DeleteOutboxAsync(e.Id, ct);
            }
            return;
        }

        var payload = Envelope(e.Type, confirmed.OccurredAt, confirmed.Data);
        var wanting = (await endpoints.TenantEndpointsAsync(e.TenantId, ct)).Where(x => x.Wants(e.Type));
        await Task.WhenAll(wanting.Select(endpoint => FirstAttemptAsync(e, endpoint, confirmed.OccurredAt, payload, now, ct)));
        await DeleteOutboxAsync(e.Id, ct);
    }

    /// <summary>
    /// The delivery's document, then its first attempt right here rather than through the queue; retries go through
    /// the queue. Its id is the event's: a second fan-out of the event (the relay timer and the queue at once) finds it
    /// made and leaves it to the first, or, if that one died before attempting, to the relay timer once it is overdue.
    /// </summary>
    async Task FirstAttemptAsync(WebhookOutboxDocument e, WebhookEndpointDocument endpoint, long occurredAt, string payload, long now, CancellationToken ct)
    {
        var delivery = new WebhookDeliveryDocument
        {
            Id = e.Id, EndpointId = endpoint.Id, TenantId = e.TenantId, Type = e.Type, Payload = payload, OccurredAt = occurredAt,
            CreatedAt = now, NextAttemptAt = now, TraceParent = e.TraceParent,
        };
        if (await store.WebhookDeliveries.CreateOrNullAsync(delivery, new PartitionKey(endpoint.Id), ct) is { } created)
            await AttemptAsync(endpoint, created, ct);
    }

    /// <summary>
    /// The relay timer, so the store stays the truth and the queue only the fast path: every event recorded more than
    /// <see cref="WebhookOptions.RelayAfter"/> ago and still in the outbox (its worker died before handing it on, or
    /// the queue refused it), and every pending delivery whose retry is overdue by more than <see cref="OverdueAfter"/>
    /// (its queue message was lost, e.g. moved to the poison queue while the store was down), is handled here, 16 at a
    /// time, for at most <see cref="CatchUpFor"/> a run. Handled, not queued again: a queue that is behind is not fed
    /// duplicates. An event may then be sent twice (here and from the queue): receivers de-duplicate by webhook-id.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken ct)
    {
        var now = time.NowMs();
        var stale = await store.WebhookOutbox.QueryAsync<string>(
            new QueryDefinition("SELECT TOP 1000 VALUE c.id FROM c WHERE c.createdAt < @before")
                .WithParameter("@before", now - (long)_options.RelayAfter.TotalMilliseconds), ContainerExtensions.AllPartitions, ct, 1000);
        var overdue = await store.WebhookDeliveries.QueryAsync<WebhookWork>(
            new QueryDefinition("SELECT TOP 1000 c.id AS eventId, c.endpointId FROM c WHERE c.status = @pending AND c.nextAttemptAt < @before")
                .WithParameter("@pending", WebhookDeliveryStatus.Pending).WithParameter("@before", now - (long)OverdueAfter.TotalMilliseconds),
            ContainerExtensions.AllPartitions, ct, 1000);
        var started = time.GetTimestamp();
        var handled = 0;
        await Parallel.ForEachAsync(stale.Select(id => new WebhookWork(EventId: id)).Concat(overdue),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (work, token) =>
            {
                if (time.GetElapsedTime(started) > CatchUpFor) return; // the next run goes on
                try
                {
                    await HandleAsync(work, token);
                    Interlocked.Increment(ref handled);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("Catching up webhook work {EventId} failed ({Error}); the next run tries again", work.EventId, e.GetType().Name);
                }
            });
        return handled;
    }

    /// <summary>Longer than a queue message stays hidden while it runs (10 minutes) plus an attempt.</summary>
    public static readonly TimeSpan OverdueAfter = TimeSpan.FromMinutes(15);

    /// <summary>Within the timer's minute, so runs do not pile up.</summary>
    static readonly TimeSpan CatchUpFor = TimeSpan.FromSeconds(40);

    Task DeleteOutboxAsync(string id, CancellationToken ct) => store.WebhookOutbox.DeleteIfPresentAsync<WebhookOutboxDocument>(id, id, ct);

    async Task DeliverAsync(string endpointId, string eventId, CancellationToken ct)
    {
        var delivery = await store.WebhookDeliveries.ReadOrNullAsync<WebhookDeliveryDocument>(eventId, endpointId, ct);
        if (delivery is not { Status: WebhookDeliveryStatus.Pending }) return;
        var endpoint = await store.WebhookEndpoints.ReadOrNullAsync<WebhookEndpointDocument>(endpointId, delivery.TenantId, ct);
        if (endpoint is not { Enabled: true })
        {
            var stopped = new WebhookAttemptResult(null, TimeSpan.Zero, endpoint is null ? WebhookTexts.EndpointDeleted : WebhookTexts.EndpointDisabled, null);
            await RecordAsync(delivery, new Outcome(stopped, Final: true, TimeSpan.Zero, time.NowMs()), ct);
            return;
        }
        await AttemptAsync(endpoint, delivery, ct);
    }

    /// <summary>One signed attempt, recorded; when it may be retried, the next is queued after its wait.</summary>
    async Task AttemptAsync(WebhookEndpointDocument endpoint, WebhookDeliveryDocument delivery, CancellationToken ct)
    {
        var outcome = await SendAsync(endpoint, delivery, ct);
        await RecordAsync(delivery, outcome, ct);
        if (!outcome.Final) await queue.SendAsync(new WebhookWork(EventId: delivery.Id, EndpointId: endpoint.Id), outcome.Wait, ct);
        await EndpointHealthAsync(endpoint, outcome.Result, ct);
    }

    /// <summary>The signed request, and what follows from its answer: delivered, failed for good, or retried after a wait.</summary>
    async Task<Outcome> SendAsync(WebhookEndpointDocument endpoint, WebhookDeliveryDocument delivery, CancellationToken ct)
    {
        using var activity = LiveChatTelemetry.Source.StartActivity("webhook delivery", ActivityKind.Producer,
            ActivityContext.TryParse(delivery.TraceParent, null, out var parent) ? parent : default);
        activity?.SetTag("livechat.webhook.endpoint", endpoint.Id).SetTag("livechat.webhook.event", delivery.Type)
            .SetTag("livechat.webhook.attempt", delivery.Attempts + 1);
        var result = await sender.SendAsync(endpoint, delivery, ct);
        activity?.SetTag("http.response.status_code", result.StatusCode);
        var retries = _options.Retries;
        var final = result.Succeeded || !result.Retryable || delivery.Attempts >= retries.Count;
        LiveChatTelemetry.WebhookAttempted(endpoint.Id, result.Succeeded ? "delivered" : final ? "failed" : "retrying", delivery.Attempts + 1, result.Latency);
        var wait = final ? TimeSpan.Zero : Max(retries[delivery.Attempts], Min(result.RetryAfter ?? TimeSpan.Zero, retries.Max()));
        return new Outcome(result, final, wait, time.NowMs());
    }

    Task RecordAsync(WebhookDeliveryDocument delivery, Outcome outcome, CancellationToken ct) =>
        store.WebhookDeliveries.UpdateIfUnchangedAsync(delivery, delivery.Id, delivery.EndpointId,
            d => outcome.Recorded(d, _options.DeliveryRetention), attempts: 5, ct);

    /// <summary>An attempt's result, whether it was the last, the wait before the next, and when it was made.</summary>
    sealed record Outcome(WebhookAttemptResult Result, bool Final, TimeSpan Wait, long At)
    {
        public WebhookDeliveryDocument Recorded(WebhookDeliveryDocument d, TimeSpan retention) => d with
        {
            Attempts = d.Attempts + 1,
            Status = Result.Succeeded ? WebhookDeliveryStatus.Succeeded : Final ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending,
            NextAttemptAt = Final ? null : At + (long)Wait.TotalMilliseconds,
            History = [new WebhookAttempt(d.Attempts + 1, At, Result.StatusCode, (long)Result.Latency.TotalMilliseconds, Result.Error),
                       .. d.History.Take(WebhookDeliveryDocument.HistoryKept - 1)],
            Ttl = Final ? (int)Math.Ceiling(retention.TotalSeconds) : null,
            ETag = null,
        };
    }

    /// <summary>A success clears FailingSince; a failure sets it, and disables the endpoint once it is old enough.</summary>
    async Task EndpointHealthAsync(WebhookEndpointDocument endpoint, WebhookAttemptResult result, CancellationToken ct)
    {
        var now = time.NowMs();
        if (result.Succeeded ? endpoint.FailingSince is null : endpoint.FailingSince is { } since && now - since < (long)_options.DisableAfter.TotalMilliseconds)
            return;
        await store.WebhookEndpoints.UpdateIfUnchangedAsync(endpoint, endpoint.Id, endpoint.TenantId, e =>
        {
            if (result.Succeeded) return e with { FailingSince = null, ETag = null };
            var failingSince = e.FailingSince ?? now;
            if (now - failingSince < (long)_options.DisableAfter.TotalMilliseconds) return e with { FailingSince = failingSince, ETag = null };
            if (!e.Enabled) return null;
            log.LogWarning("Webhook endpoint {Endpoint} disabled: failing since {Since}", e.Id, failingSince);
            var last = result.StatusCode is { } status ? $"HTTP {status}" : result.Error;
            return e with { Enabled = false, DisabledAt = now, DisabledReason = WebhookTexts.Disabled(failingSince, last!), ETag = null };
        }, attempts: 5, ct);
    }

    /// <summary>The body every endpoint receives: {type, timestamp, data}, as Standard Webhooks recommends.</summary>
    public static string Envelope(string type, long occurredAt, object data) => JsonSerializer.Serialize(new
    {
        type, timestamp = DateTimeOffset.FromUnixTimeMilliseconds(occurredAt).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), data,
    }, Json);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
