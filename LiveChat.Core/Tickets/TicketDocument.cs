using System.Text.Json.Serialization;

namespace LiveChat.Core.Tickets;

/// <summary>tickets container, partition /id.</summary>
public sealed record TicketDocument
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public long Reference { get; init; }
    public required string Subject { get; init; }
    public required string RequesterId { get; init; }
    public string? CompanyId { get; init; }
    public string? MachineId { get; init; }
    public bool ChatEnabled { get; init; }
    public long CreatedAt { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>What the API shows of a ticket.</summary>
public sealed record TicketView(string Id, long Reference, string Subject, string RequesterId, string? CompanyId, string? MachineId, bool ChatEnabled)
{
    public static TicketView Of(TicketDocument t) => new(t.Id, t.Reference, t.Subject, t.RequesterId, t.CompanyId, t.MachineId, t.ChatEnabled);
}
