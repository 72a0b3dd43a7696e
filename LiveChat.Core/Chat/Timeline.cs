using LiveChat.Core.Storage;

namespace LiveChat.Core.Chat;

/// <summary>events container, partition /ticketId: the ticket's timeline.</summary>
public sealed record TicketEventDocument
{
    public required string Id { get; init; }
    public required string TicketId { get; init; }
    public required string TenantId { get; init; }
    public required string Type { get; init; }
    public required Dictionary<string, object?> Payload { get; init; }
    public long CreatedAt { get; init; }
}

/// <summary>
/// LIVE_CHAT_STARTED / LIVE_CHAT_ENDED are derived from the session alone and have deterministic ids,
/// so writing one twice (a retry, a sweep repair) stores it once.
/// </summary>
public sealed class Timeline(CosmosStore store)
{
    public const string Started = "LIVE_CHAT_STARTED";
    public const string Ended = "LIVE_CHAT_ENDED";

    public static string StartedEventId(string sessionId) => $"{sessionId}-started";
    public static string EndedEventId(string sessionId) => $"{sessionId}-ended";

    public static TicketEventDocument StartedEvent(SessionDocument s) => new()
    {
        Id = StartedEventId(s.Id),
        TicketId = s.TicketId,
        TenantId = s.TenantId,
        Type = Started,
        CreatedAt = s.StartedAt,
        Payload = new()
        {
            ["sessionId"] = s.Id,
            ["agentId"] = s.AgentId,
            ["agentName"] = s.AgentSnapshot.Name,
            ["machineHostname"] = s.MachineHostname,
        },
    };

    public static TicketEventDocument EndedEvent(SessionDocument s)
    {
        var endedAt = s.EndedAt ?? throw new InvalidOperationException("The session has not ended.");
        var payload = new Dictionary<string, object?>
        {
            ["sessionId"] = s.Id,
            ["agentId"] = s.EndReason is null ? s.EndedById : s.AgentId,
            ["agentName"] = s.EndReason is null ? s.EndedByName : s.AgentSnapshot.Name,
            ["durationMs"] = endedAt - s.StartedAt,
            ["startedAt"] = s.StartedAt,
            ["endedAt"] = endedAt,
        };
        if (s.EndReason is not null)
        {
            payload["autoEnded"] = true;
            payload["reason"] = s.EndReason;
            if (s.InactiveForMs is { } inactive) payload["inactiveForMs"] = inactive;
        }
        return new() { Id = EndedEventId(s.Id), TicketId = s.TicketId, TenantId = s.TenantId, Type = Ended, CreatedAt = endedAt, Payload = payload };
    }

    /// <summary>Writes the event unless it is already there.</summary>
    public Task WriteAsync(TicketEventDocument e, CancellationToken ct) => store.Events.TryCreateAsync(e, e.TicketId, ct);
}
