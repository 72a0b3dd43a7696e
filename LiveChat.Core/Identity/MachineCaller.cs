namespace LiveChat.Core.Identity;

/// <summary>An authenticated machine agent (see Machines.MachineAuthenticator), as AgentCaller is an authenticated agent.</summary>
public sealed record MachineCaller(string MachineId, string TenantId, long TokenExpiresAt = 0);
