using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using LiveChat.Core.Webhooks;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using static LiveChat.Core.Identity.AdminInput;

namespace LiveChat.Core.Machines;

public sealed record RegisterMachineRequest(
    string? Hostname, string? AssignedUserId, string? AssignedUserName, string? AssignedUserEmail, IReadOnlyList<string>? LinkedUserIds);

/// <summary>The only response that ever carries a machine token: shown once, stored as its hash.</summary>
public sealed record MachineTokenIssued(string MachineId, string MachineToken, long ExpiresAt);

public sealed record MachineView(string Id, string Hostname, string Status, string? AssignedUserId, IReadOnlyList<string> LinkedUserIds,
    long? LastHeartbeatAt, bool Online);

public sealed record HeartbeatResult(bool Ok, long LastHeartbeatAt);

/// <summary>What a machine agent learns of its own enrollment: its machine, and when its token expires.</summary>
public sealed record MachineEnrollment(string MachineId, string Hostname, string TenantId, string Status, long TokenExpiresAt);

/// <summary>A tenant's machines: registration, tokens (issue, rotate, revoke), and the machine's own heartbeat.</summary>
public sealed class MachineRegistry(
    CosmosStore store, MachineAuthenticator machineAuth, TenantUsers users, Presence presence,
    IMachineRevocationFollowUp followUp, WebhookOutbox webhooks, TimeProvider time, IOptions<LiveChatOptions> options)
{
    const int MaxLinkedUsers = 50;

    public async Task<MachineTokenIssued> RegisterAsync(AgentCaller admin, RegisterMachineRequest request, CancellationToken ct)
    {
        RequireAdmin(admin);
        var hostname = Required(request.Hostname, "hostname", 255);
        var linked = (request.LinkedUserIds ?? []).Select(id => ValidId(id, "linkedUserIds")).Distinct().ToList();
        if (linked.Count > MaxLinkedUsers) throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.TooMany("linkedUserIds", MaxLinkedUsers));
        if (request.AssignedUserId is not null) await users.MemberAsync(admin, ValidId(request.AssignedUserId, "assignedUserId"), "assignedUserId", ct);
        var linkedUsers = new List<UserDocument>();
        foreach (var id in linked) linkedUsers.Add(await users.MemberAsync(admin, id, "linkedUserIds", ct));
        var linkedSnapshot = request.AssignedUserId is null && linkedUsers is [var first, ..]
            ? new PersonSnapshot(first.Name, first.Email, first.AvatarUrl) : null;

        var token = MachineTokens.Generate();
        var machine = new MachineDocument
        {
            Id = Guid.NewGuid().ToString("N"), TenantId = admin.TenantId, Hostname = hostname,
            AssignedUserId = request.AssignedUserId, AssignedUserName = Optional(request.AssignedUserName, "assignedUserName", 200),
            AssignedUserEmail = Optional(request.AssignedUserEmail, "assignedUserEmail", 320),
            LinkedUserIds = linked, LinkedUserSnapshot = linkedSnapshot, TokenHash = MachineTokens.Hash(token), CreatedAt = time.NowMs(),
        };
        await store.Machines.CreateItemAsync(machine, new PartitionKey(machine.Id), cancellationToken: ct);
        return await StoreTokenAsync(machine, token, ct);
    }

    async Task<MachineTokenIssued> StoreTokenAsync(MachineDocument machine, string token, CancellationToken ct)
    {
        var now = time.NowMs();
        var record = new MachineTokenDocument
        {
            Id = MachineTokens.Hash(token), MachineId = machine.Id, TenantId = machine.TenantId, CreatedAt = now,
            ExpiresAt = now + (long)options.Value.MachineTokenLifetime.TotalMilliseconds,
        };
        await store.MachineTokens.CreateItemAsync(record, new PartitionKey(record.Id), cancellationToken: ct);
        return new MachineTokenIssued(machine.Id, token, record.ExpiresAt);
    }

    /// <summary>The admin's tenant's machine; another tenant's is reported exactly like a missing one.</summary>
    public async Task<MachineDocument> ForAdminAsync(AgentCaller admin, string machineId, CancellationToken ct)
    {
        RequireAdmin(admin);
        var machine = await store.Machines.ReadOrNullAsync<MachineDocument>(machineId, machineId, ct);
        return machine is not null && machine.TenantId == admin.TenantId ? machine : throw ErrorCatalog.MachineNotFound.Raise();
    }

    public async Task<MachineView> GetAsync(AgentCaller admin, string machineId, CancellationToken ct)
    {
        var m = await ForAdminAsync(admin, machineId, ct);
        return new MachineView(m.Id, m.Hostname, m.Status, m.AssignedUserId, m.LinkedUserIds, m.LastHeartbeatAt, presence.IsOnline(m.LastHeartbeatAt));
    }

    /// <summary>A new token replaces the current one, which stops working at once on this instance (≤ 30 s elsewhere).</summary>
    public async Task<MachineTokenIssued> RotateTokenAsync(AgentCaller admin, string machineId, CancellationToken ct)
    {
        var machine = await ForAdminAsync(admin, machineId, ct);
        if (machine.Status == MachineStatus.Revoked) throw ErrorCatalog.MachineRevoked.Raise();
        // The new token exists before the machine points to it; the old one is revoked only once it does not.
        var token = MachineTokens.Generate();
        var issued = await StoreTokenAsync(machine, token, ct);
        var rotated = machine with { TokenHash = MachineTokens.Hash(token), ETag = null };
        if (!await store.Machines.TryReplaceIfUnchangedAsync(rotated, machine.Id, machine.Id, machine.ETag!, ct))
        {
            await RevokeTokenAsync(rotated.TokenHash, ct);
            throw ErrorCatalog.ConcurrentUpdate.Raise();
        }
        await RevokeTokenAsync(machine.TokenHash, ct);
        return issued;
    }

    /// <summary>
    /// The token stops working first, so no crash between the writes leaves a working token; then the machine is
    /// REVOKED, its active chats end (maquina_revogada) and its open push connections are closed. A retry after a
    /// crash completes what is missing.
    /// </summary>
    public async Task<OkResult> RevokeAsync(AgentCaller admin, string machineId, CancellationToken ct)
    {
        var machine = await ForAdminAsync(admin, machineId, ct);
        await RevokeTokenAsync(machine.TokenHash, ct);
        var hook = await webhooks.RecordAsync(new WebhookOutboxDocument
        {
            Id = WebhookOutbox.EventId(WebhookEventTypes.MachineRevoked, machine.Id), Type = WebhookEventTypes.MachineRevoked,
            TenantId = machine.TenantId, MachineId = machine.Id, At = time.NowMs(),
        }, ct);
        await store.Machines.PatchOrNullAsync<MachineDocument>(machine.Id, machine.Id, [PatchOperation.Set("/status", MachineStatus.Revoked)], ct);
        webhooks.Relay(hook);
        await followUp.MachineRevokedAsync(machine, ct);
        return new OkResult(true);
    }

    async Task RevokeTokenAsync(string? tokenHash, CancellationToken ct)
    {
        if (tokenHash is null) return;
        await store.MachineTokens.PatchOrNullAsync<MachineTokenDocument>(tokenHash, tokenHash, [PatchOperation.Set("/revoked", true)], ct);
        machineAuth.Forget(tokenHash);
    }

    /// <summary>A point read; reached only by a valid token of an ACTIVE machine (the authenticator refuses the rest).</summary>
    public async Task<MachineEnrollment> EnrollmentAsync(MachineCaller machine, CancellationToken ct)
    {
        var m = await store.Machines.ReadOrNullAsync<MachineDocument>(machine.MachineId, machine.MachineId, ct)
            ?? throw ErrorCatalog.MachineTokenInvalid.Raise();
        return new MachineEnrollment(m.Id, m.Hostname, m.TenantId, m.Status, machine.TokenExpiresAt);
    }

    public async Task<HeartbeatResult> HeartbeatAsync(MachineCaller machine, CancellationToken ct)
    {
        var now = time.NowMs();
        var updated = await store.Machines.PatchOrNullAsync<MachineDocument>(machine.MachineId, machine.MachineId,
            [PatchOperation.Set("/lastHeartbeatAt", now)], ct) ?? throw ErrorCatalog.MachineNotFound.Raise();
        return new HeartbeatResult(true, updated.LastHeartbeatAt ?? now);
    }
}
