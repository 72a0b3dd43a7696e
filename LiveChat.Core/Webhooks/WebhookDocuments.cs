using System.Text.Json.Serialization;
using LiveChat.Core.Storage;

namespace LiveChat.Core.Webhooks;

/// <summary>webhookEndpoints container, partition /tenantId: where a tenant's events are sent.</summary>
public sealed record WebhookEndpointDocument : IVersioned
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Url { get; init; }
    /// <summary>Subscribed event types; empty: all of them.</summary>
    public List<string> Events { get; init; } = [];
    public bool Enabled { get; init; } = true;
    public string? Description { get; init; }
    /// <summary>The signing secrets, newest first: the current one, and a rotated-out one until its RetiresAt.</summary>
    public List<WebhookSecret> Secrets { get; init; } = [];
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    /// <summary>The first failure since the last success; null while deliveries succeed.</summary>
    public long? FailingSince { get; init; }
    public string? DisabledReason { get; init; }
    public long? DisabledAt { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    public bool Wants(string type) => Enabled && (Events.Count == 0 || Events.Contains(type));

    public IEnumerable<string> SigningSecrets(long now) => Secrets.Where(s => s.RetiresAt is null || s.RetiresAt > now).Select(s => s.Value);
}

public sealed record WebhookSecret(string Value, long CreatedAt, long? RetiresAt);

/// <summary>
/// webhookOutbox container, partition /id: an event recorded before the change it announces is written, so a worker
/// that dies right after the change still has it to send. Deleted once handed to every endpoint; one whose change never
/// reached the store is dropped (<see cref="WebhookOptions.ConfirmWithin"/>).
/// </summary>
public sealed record WebhookOutboxDocument
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Type { get; init; }
    public string? TicketId { get; init; }
    public string? SessionId { get; init; }
    public string? MachineId { get; init; }
    public List<string> MessageIds { get; init; } = [];
    /// <summary>messages.read: "machine" or "agent".</summary>
    public string? ReadBy { get; init; }
    /// <summary>The time the change writes (edit, read, revoke), to tell it from another change of the same document.</summary>
    public long? At { get; init; }
    /// <summary>The text a post or an edit writes: the event carries it even if the message changes again before it is sent.</summary>
    public string? Body { get; init; }
    public long CreatedAt { get; init; }
    /// <summary>The W3C traceparent of the chat call, so its delivery continues the same trace.</summary>
    public string? TraceParent { get; init; }
}

/// <summary>webhookDeliveries container, partition /endpointId, id = the event id: one event's delivery to one endpoint.</summary>
public sealed record WebhookDeliveryDocument : IVersioned
{
    public required string Id { get; init; }
    public required string EndpointId { get; init; }
    public required string TenantId { get; init; }
    public required string Type { get; init; }
    /// <summary>The exact JSON body sent on every attempt (the signature covers it).</summary>
    public required string Payload { get; init; }
    public long OccurredAt { get; init; }
    public long CreatedAt { get; init; }
    public string Status { get; init; } = WebhookDeliveryStatus.Pending;
    public int Attempts { get; init; }
    public long? NextAttemptAt { get; init; }
    /// <summary>The latest attempts, newest first (at most <see cref="WebhookDeliveryDocument.HistoryKept"/>).</summary>
    public List<WebhookAttempt> History { get; init; } = [];
    public string? TraceParent { get; init; }
    /// <summary>
    /// Seconds the store keeps it after its last write (Cosmos time to live): set once it succeeded or failed for good
    /// (<see cref="WebhookOptions.DeliveryRetention"/>), absent while pending, so a delivery still being retried never expires.
    /// </summary>
    [JsonPropertyName("ttl")]
    public int? Ttl { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    public const int HistoryKept = 10;
}

public sealed record WebhookAttempt(int Attempt, long At, int? StatusCode, long LatencyMs, string? Error);

public static class WebhookDeliveryStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    /// <summary>Not retried: a 4xx other than 408/429, the retries ran out, or the endpoint was disabled or deleted.</summary>
    public const string Failed = "failed";
}
