using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using System.Text.Json.Serialization;
using LiveChat.Core.Machines;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Core.Chat;

public static class SessionStatus
{
    public const string Active = "ACTIVE";
    public const string Ended = "ENDED";
}

public static class EndReasons
{
    public const string MachineOffline = "maquina_offline";
    public const string ChatInactive = "inatividade_chat";
    public const string TicketWithoutMachine = "ticket_sem_maquina";
    /// <summary>The machine was revoked by an ADMIN (beyond the reference, which has no revocation).</summary>
    public const string MachineRevoked = "maquina_revogada";
}

/// <summary>
/// sessions container, hierarchical partition key [/tenantId, /machineId]: a machine's sessions are one logical
/// partition, and a tenant's are the partitions under its prefix, so an agent's list or a ticket's history reads one
/// tenant's partitions only. ActiveKey is the unique key (per machine) that allows one ACTIVE session per ticket:
/// "ticket:{ticketId}" while active, "ended:{id}" after. Ticket and machine facts are copied at start. Version rises
/// with every write; the machine's inbox (<see cref="MachineInbox"/>) keeps the newest version it was given.
/// </summary>
public sealed record SessionDocument : IVersioned
{
    public required string Id { get; init; }
    public required string MachineId { get; init; }
    public required string TenantId { get; init; }
    public required string TicketId { get; init; }
    public long TicketRef { get; init; }
    public string TicketSubject { get; init; } = "";
    public string MachineHostname { get; init; } = "";
    public string Status { get; init; } = SessionStatus.Active;
    public required string ActiveKey { get; init; }
    public required string AgentId { get; init; }
    public required PersonSnapshot AgentSnapshot { get; init; }
    /// <summary>Author of the machine side's messages (assigned user, first linked user or the ticket's requester).</summary>
    public required string ClientAuthorId { get; init; }
    public required PersonSnapshot ClientSnapshot { get; init; }
    public long StartedAt { get; init; }
    public long LastActivityAt { get; init; }
    public long? EndedAt { get; init; }
    public string? EndedById { get; init; }
    public string? EndedByName { get; init; }
    public string? EndReason { get; init; }
    public long? InactiveForMs { get; init; }
    public long UnreadByMachine { get; init; }
    public long UnreadByAgent { get; init; }
    /// <summary>
    /// Message id → createdAt of the last messages counted into UnreadBy* (between <see cref="KeptCountedMessages"/>
    /// and twice that), written by the same patch as the increment, so a retried post can tell whether its message was
    /// counted. Past twice the number kept, the oldest entries are dropped; CountedDroppedUpTo is the newest createdAt
    /// dropped, and a message at or before it is taken as counted. The document stays small however long the chat.
    /// </summary>
    public Dictionary<string, long> CountedMessages { get; init; } = [];
    public long Version { get; init; }
    public long CountedDroppedUpTo { get; init; }

    public const int KeptCountedMessages = 64;

    /// <summary>The oldest entries beyond the newest <see cref="KeptCountedMessages"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> CountedMessagesToDrop() =>
        CountedMessages.OrderBy(e => e.Value).ThenBy(e => e.Key).Take(Math.Max(0, CountedMessages.Count - KeptCountedMessages)).ToList();

    /// <summary>Not counted, as far as the entries tell: an entry dropped since may have been this message's.</summary>
    public bool MayBeUncounted(MessageDocument message) =>
        !CountedMessages.ContainsKey(message.Id) && message.CreatedAt > CountedDroppedUpTo;

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    public bool IsActive => Status == SessionStatus.Active;

    [JsonIgnore]
    public PartitionKey Key => KeyOf(TenantId, MachineId);

    public static PartitionKey KeyOf(string tenantId, string machineId) => new PartitionKeyBuilder().Add(tenantId).Add(machineId).Build();

    /// <summary>The key prefix of one tenant's sessions: a query with it reads that tenant's partitions only.</summary>
    public static PartitionKey TenantPrefix(string tenantId) => new PartitionKeyBuilder().Add(tenantId).Build();

    public static string ActiveKeyFor(string ticketId) => $"ticket:{ticketId}";
}

/// <summary>What session lists show: polls and lists read only these fields, not CountedMessages.</summary>
public sealed record SessionSummary(
    string Id, string TicketId, long TicketRef, string TicketSubject, string AgentId, PersonSnapshot AgentSnapshot,
    long UnreadByMachine, long UnreadByAgent, long LastActivityAt, long StartedAt)
{
    public const string Fields =
        "c.id, c.ticketId, c.ticketRef, c.ticketSubject, c.agentId, c.agentSnapshot, c.unreadByMachine, c.unreadByAgent, c.lastActivityAt, c.startedAt";
}
