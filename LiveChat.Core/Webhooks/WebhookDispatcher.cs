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
/// per endpoint that wants it, then it leaves the outbox. A delivery: one signed attempt; on a network error, timeout,
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
        foreach (var endpoint in (await endpoints.TenantEndpointsAsync(e.TenantId, ct)).Where(x => x.Wants(e.Type)))
        {
            var delivery = new WebhookDeliveryDocument
            {
                Id = e.Id, EndpointId = endpoint.Id, TenantId = e.TenantId, Type = e.Type, Payload = payload, OccurredAt = confirmed.OccurredAt,
                CreatedAt = now, NextAttemptAt = now, TraceParent = e.TraceParent,
            };
            var created = await store.WebhookDeliveries.TryCreateAsync(delivery, delivery.EndpointId, ct);
            // A fan-out that died after creating the delivery and before queueing it: queue it now (at most sent twice).
            if (created || await store.WebhookDeliveries.ReadOrNullAsync<WebhookDeliveryDocument>(e.Id, endpoint.Id, ct) is { Status: WebhookDeliveryStatus.Pending, Attempts: 0 })
                await queue.SendAsync(new WebhookWork(EventId: e.Id, EndpointId: endpoint.Id), TimeSpan.Zero, ct);
        }
        await DeleteOutboxAsync(e.Id, ct);
    }

    async Task DeleteOutboxAsync(string id, CancellationToken ct)
    {
        try { await store.WebhookOutbox.DeleteItemAsync<WebhookOutboxDocument>(id, new PartitionKey(id), cancellationToken: ct); }
        catch (CosmosException x) when (StoreFailures.IsMissingItem(x)) { }
    }

    async Task DeliverAsync(string endpointId, string eventId, CancellationToken ct)
    {
        var delivery = await store.WebhookDeliveries.ReadOrNullAsync<WebhookDeliveryDocument>(eventId, endpointId, ct);
        if (delivery is not { Status: WebhookDeliveryStatus.Pending }) return;
        var endpoint = await store.WebhookEndpoints.ReadOrNullAsync<WebhookEndpointDocument>(endpointId, delivery.TenantId, ct);
        if (endpoint is not { Enabled: true })
        {
            await RecordAsync(delivery, new WebhookAttemptResult(null, TimeSpan.Zero, endpoint is null ? WebhookTexts.EndpointDeleted : WebhookTexts.EndpointDisabled, null), final: true, ct);
            return;
        }

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
        await RecordAsync(delivery, result, final, ct, wait);
        if (!final) await queue.SendAsync(new WebhookWork(EventId: eventId, EndpointId: endpointId), wait, ct);
        await EndpointHealthAsync(endpoint, result, ct);
    }

    async Task RecordAsync(WebhookDeliveryDocument delivery, WebhookAttemptResult result, bool final, CancellationToken ct, TimeSpan wait = default)
    {
        var now = time.NowMs();
        var attempt = new WebhookAttempt(delivery.Attempts + 1, now, result.StatusCode, (long)result.Latency.TotalMilliseconds, result.Error);
        await store.WebhookDeliveries.UpdateIfUnchangedAsync(delivery, delivery.Id, delivery.EndpointId, d => d with
        {
            Attempts = d.Attempts + 1,
            Status = result.Succeeded ? WebhookDeliveryStatus.Succeeded : final ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending,
            NextAttemptAt = final ? null : now + (long)wait.TotalMilliseconds,
            History = [attempt, .. d.History.Take(WebhookDeliveryDocument.HistoryKept - 1)],
            ETag = null,
        }, attempts: 5, ct);
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
