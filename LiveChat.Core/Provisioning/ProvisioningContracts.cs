namespace LiveChat.Core.Provisioning;

public sealed record UpsertUserRequest(string? Role, string? Name, string? Email, string? AvatarUrl);

public sealed record RegisterMachineRequest(
    string? Hostname, string? AssignedUserId, string? AssignedUserName, string? AssignedUserEmail, IReadOnlyList<string>? LinkedUserIds);

/// <summary>The only response that ever carries a machine token: shown once, stored as its hash.</summary>
public sealed record MachineTokenIssued(string MachineId, string MachineToken, long ExpiresAt);

public sealed record MachineView(string Id, string Hostname, string Status, string? AssignedUserId, IReadOnlyList<string> LinkedUserIds,
    long? LastHeartbeatAt, bool Online);

public sealed record CreateTicketRequest(string? Id, long? Reference, string? Subject, string? RequesterId, string? CompanyId, string? MachineId);

public sealed record LinkMachineRequest(string? MachineId);

public sealed record HeartbeatResult(bool Ok, long LastHeartbeatAt);
