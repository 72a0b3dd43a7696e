using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using System.Text.Json.Serialization;

namespace LiveChat.Core.Machines;

public static class MachineStatus
{
    public const string Active = "ACTIVE";
    public const string Revoked = "REVOKED";
}

/// <summary>machines container, partition /id.</summary>
public sealed record MachineDocument : IVersioned
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Hostname { get; init; }
    public string Status { get; init; } = MachineStatus.Active;
    public string? AssignedUserId { get; init; }
    public string? AssignedUserName { get; init; }
    public string? AssignedUserEmail { get; init; }
    public IReadOnlyList<string> LinkedUserIds { get; init; } = [];
    /// <summary>Snapshot of LinkedUserIds[0], taken when the machine is registered, so a chat start needs no user read.</summary>
    public PersonSnapshot? LinkedUserSnapshot { get; init; }
    public long? LastHeartbeatAt { get; init; }
    /// <summary>SHA-256 of the machine's current token, so rotation and revocation can find it.</summary>
    public string? TokenHash { get; init; }
    public long CreatedAt { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>machineTokens container, partition /id = SHA-256 hex of the token: one point read validates a token.</summary>
public sealed record MachineTokenDocument
{
    public required string Id { get; init; }
    public required string MachineId { get; init; }
    public required string TenantId { get; init; }
    public bool Revoked { get; init; }
    public long ExpiresAt { get; init; }
    public long CreatedAt { get; init; }
}
