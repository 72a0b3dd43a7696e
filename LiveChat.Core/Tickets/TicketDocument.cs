using LiveChat.Core.Storage;
using System.Text.Json.Serialization;

namespace LiveChat.Core.Tickets;

/// <summary>tickets container, partition /id.</summary>
public sealed record TicketDocument : IVersioned
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
    /// <summary>
    /// The ticket's claim on its live chat: the session a start created or is creating. Written under the ticket's
    /// ETag before the session is created, so of racing starts, on any machines, one wins; a claim whose session has
    /// ended (or was never created, past the start's time) is free to take. See ChatSessions.StartAsync.
    /// </summary>
    public SessionClaim? ActiveSession { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>A ticket's claim on a session (on its machine's partition), taken at <see cref="ClaimedAt"/>.</summary>
public sealed record SessionClaim(string SessionId, string MachineId, long ClaimedAt);

/// <summary>What the API shows of a ticket.</summary>
public sealed record TicketView(string Id, long Reference, string Subject, string RequesterId, string? CompanyId, string? MachineId, bool ChatEnabled)
{
    public static TicketView Of(TicketDocument t) => new(t.Id, t.Reference, t.Subject, t.RequesterId, t.CompanyId, t.MachineId, t.ChatEnabled);
}
