using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using Microsoft.Extensions.Logging;

namespace LiveChat.Core.Webhooks;

/// <summary>
/// At least once, even when a worker dies between a change and its delivery: an event is recorded in the outbox
/// *before* its change is written (only when an endpoint of the tenant wants it). After the change is written it is
/// handed to the queue off the request's path; if that never happens, the relay timer fans it out later
/// (<see cref="WebhookDispatcher.CatchUpAsync"/>). The fan-out confirms the change against the store before anything
/// is sent, so an event whose write failed is dropped, never sent.
/// </summary>
public sealed class WebhookOutbox(
    CosmosStore store, WebhookEndpoints endpoints, WebhookQueue queue, PushQueue background, TimeProvider time, ILogger<WebhookOutbox> log)
{
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
}
