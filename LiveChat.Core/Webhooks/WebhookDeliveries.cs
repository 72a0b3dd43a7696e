using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Core.Webhooks;

public sealed record WebhookDeliveryView(string EventId, string Type, string Status, int Attempts, long OccurredAt, long CreatedAt,
    long? NextAttemptAt, IReadOnlyList<WebhookAttempt> History);

public sealed record WebhookDeliveryList(IReadOnlyList<WebhookDeliveryView> Items);

public sealed record WebhookResent(string EventId, string Status);

/// <summary>An ADMIN's view of an endpoint's recent deliveries, and sending one again.</summary>
public sealed class WebhookDeliveries(CosmosStore store, WebhookEndpoints endpoints, WebhookQueue queue, TimeProvider time)
{
    public const int MaxListed = 100;

    /// <summary>The latest <paramref name="limit"/> (the query string's, 1 to <see cref="MaxListed"/>; 50 when absent), newest first.</summary>
    public async Task<WebhookDeliveryList> ListAsync(AgentCaller admin, string endpointId, string? limit, CancellationToken ct)
    {
        var endpoint = await endpoints.ForAdminAsync(admin, endpointId, ct);
        var top = 50;
        if (limit is not null && (!int.TryParse(limit, out top) || top is < 1 or > MaxListed))
            throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.LimitRange(1, MaxListed));
        var items = await store.WebhookDeliveries.QueryAsync<WebhookDeliveryDocument>(
            new QueryDefinition($"SELECT TOP {top} * FROM c WHERE c.endpointId = @endpointId ORDER BY c.createdAt DESC")
                .WithParameter("@endpointId", endpoint.Id), endpoint.Id, ct, top);
        return new WebhookDeliveryList(items.Select(View).ToList());
    }

    /// <summary>Queues the delivery again from its first attempt, with the same webhook-id and body.</summary>
    public async Task<WebhookResent> ResendAsync(AgentCaller admin, string endpointId, string eventId, CancellationToken ct)
    {
        var endpoint = await endpoints.ForAdminAsync(admin, endpointId, ct);
        var delivery = eventId.Length <= 100 ? await store.WebhookDeliveries.ReadOrNullAsync<WebhookDeliveryDocument>(eventId, endpoint.Id, ct) : null;
        if (delivery is null) throw ErrorCatalog.WebhookDeliveryNotFound.Raise();
        await store.WebhookDeliveries.UpdateIfUnchangedAsync(delivery, delivery.Id, delivery.EndpointId,
            d => d with { Status = WebhookDeliveryStatus.Pending, Attempts = 0, NextAttemptAt = time.NowMs(), Ttl = null, ETag = null }, attempts: 5, ct);
        await queue.SendAsync(new WebhookWork(EventId: delivery.Id, EndpointId: delivery.EndpointId), TimeSpan.Zero, ct);
        return new WebhookResent(delivery.Id, WebhookDeliveryStatus.Pending);
    }

    static WebhookDeliveryView View(WebhookDeliveryDocument d) =>
        new(d.Id, d.Type, d.Status, d.Attempts, d.OccurredAt, d.CreatedAt, d.NextAttemptAt, d.History);
}
