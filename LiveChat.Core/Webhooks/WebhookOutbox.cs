using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Webhooks;

/// <summary>
/// At least once, even when a worker dies between a change and its delivery: an event is recorded in the outbox
/// *before* its change is written (only when an endpoint of the tenant wants it). After the change is written it is
/// handed to the queue off the request's path; if that never happens, the relay timer hands it later. The queue's
/// handler confirms the change against the store before anything is sent, so an event whose write failed is dropped,
/// never sent (<see cref="WebhookFanOut"/>).
/// </summary>
public sealed class WebhookOutbox(
    CosmosStore store, WebhookEndpoints endpoints, WebhookQueue queue, PushQueue background, TimeProvider time,
    IOptions<WebhookOptions> options, ILogger<WebhookOutbox> log)
{
    readonly WebhookOptions _options = options.Value;

    /// <summary>The event's id (the webhook-id every endpoint receives): the same for the same change, so a retried write records it once.</summary>
    public static string EventId(string type, params object?[] key) =>
        "evt_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(type + "|" + string.Join("|", key))).AsSpan(0, 16));

    /// <summary>Records the event unless no endpoint of its tenant wants it; null then. Call before writing the change.</summary>
    public async Task<WebhookOutboxDocument?> RecordAsync(WebhookOutboxDocument e, CancellationToken ct)
    {
        if (!await endpoints.AnyWantsAsync(e.TenantId, e.Type, ct)) return null;
        var recorded = e with { CreatedAt = time.NowMs(), TraceParent = Activity.Current?.Id };
        await store.WebhookOutbox.TryCreateAsync(recorded, recorded.Id, ct);
        return recorded;
    }

    /// <summary>After the change is written: hands the event to the queue in the background; never waits.</summary>
    public void Relay(WebhookOutboxDocument? recorded)
    {
        if (recorded is null) return;
        background.Enqueue("webhooks:" + recorded.TenantId, async () =>
        {
            try
            {
                await queue.SendAsync(new WebhookWork(EventId: recorded.Id), TimeSpan.Zero, CancellationToken.None);
            }
            catch (Exception e)
            {
                log.LogWarning("Handing webhook event {EventId} to the queue failed ({Error}); the relay timer will", recorded.Id, e.GetType().Name);
            }
        });
    }

    /// <summary>
    /// The relay timer, so the store stays the truth and the queue only the fast path: hands every event recorded more
    /// than <see cref="WebhookOptions.RelayAfter"/> ago and still in the outbox, and every pending delivery whose retry
    /// is overdue by more than <see cref="OverdueAfter"/> (its queue message was lost, e.g. moved to the poison queue
    /// while the store was down). Either may then run twice: receivers de-duplicate by webhook-id.
    /// </summary>
    public async Task<int> RelayStaleAsync(CancellationToken ct)
    {
        var now = time.NowMs();
        var stale = await store.WebhookOutbox.QueryAsync<WebhookOutboxDocument>(
            new QueryDefinition("SELECT TOP 1000 * FROM c WHERE c.createdAt < @before")
                .WithParameter("@before", now - (long)_options.RelayAfter.TotalMilliseconds), ContainerExtensions.AllPartitions, ct, 1000);
        foreach (var e in stale) await queue.SendAsync(new WebhookWork(EventId: e.Id), TimeSpan.Zero, ct);
        var overdue = await store.WebhookDeliveries.QueryAsync<WebhookDeliveryDocument>(
            new QueryDefinition("SELECT TOP 1000 c.id, c.endpointId, c.tenantId, c.type, c.payload FROM c WHERE c.status = @pending AND c.nextAttemptAt < @before")
                .WithParameter("@pending", WebhookDeliveryStatus.Pending).WithParameter("@before", now - (long)OverdueAfter.TotalMilliseconds),
            ContainerExtensions.AllPartitions, ct, 1000);
        foreach (var d in overdue) await queue.SendAsync(new WebhookWork(EventId: d.Id, EndpointId: d.EndpointId), TimeSpan.Zero, ct);
        return stale.Count + overdue.Count;
    }

    /// <summary>Longer than a queue message stays hidden while it runs (10 minutes) plus an attempt.</summary>
    public static readonly TimeSpan OverdueAfter = TimeSpan.FromMinutes(15);
}
