using System.Text.RegularExpressions;
using LiveChat.Core.Chat;
using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using LiveChat.Core.Tickets;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Provisioning;

/// <summary>A tenant ADMIN's setup: users, machines and their tokens, tickets and their machine link.</summary>
public sealed partial class Provisioning(
    CosmosStore store, MachineAuthenticator machineAuth, ChatAccess access, ChatSessions sessions, Presence presence,
    RealtimePublisher realtime, TimeProvider time, IOptions<LiveChatOptions> options)
{
    static void RequireAdmin(AgentCaller caller)
    {
        if (!caller.IsAdmin) throw ErrorCatalog.AdminOnly.Raise();
    }

    [GeneratedRegex("^[A-Za-z0-9_.@-]{1,128}$")]
    private static partial Regex IdPattern();

    static string ValidId(string? id, string field) =>
        id is not null && IdPattern().IsMatch(id) ? id : throw ErrorCatalog.ValidationFailed.Raise($"{field}: 1 a 128 caracteres (letras, números, '_', '.', '@', '-').");

    static string Required(string? value, string field, int max = 200) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= max ? value.Trim() : throw ErrorCatalog.ValidationFailed.Raise($"{field} é obrigatório (até {max} caracteres).");

    static string? Optional(string? value, string field, int max = 500) =>
        value is null || value.Length <= max ? value : throw ErrorCatalog.ValidationFailed.Raise($"{field}: até {max} caracteres.");

    /// <summary>Creates or updates a user of the admin's tenant; an id that belongs to another tenant is never taken over.</summary>
    public async Task<UserView> UpsertUserAsync(AgentCaller admin, string userId, UpsertUserRequest request, CancellationToken ct)
    {
        RequireAdmin(admin);
        ValidId(userId, "userId");
        var role = Required(request.Role, "role", 32).ToUpperInvariant();
        if (!Roles.Known.Contains(role)) throw ErrorCatalog.ValidationFailed.Raise($"role deve ser um de: {string.Join(", ", Roles.Known)}.");
        var user = new UserDocument
        {
            Id = userId, TenantId = admin.TenantId, Role = role, Name = Required(request.Name, "name"),
            Email = Optional(request.Email, "email", 320), AvatarUrl = Optional(request.AvatarUrl, "avatarUrl", 2048),
        };
        var existing = await store.Users.ReadOrNullAsync<UserDocument>(userId, userId, ct);
        if (existing is not null && existing.TenantId != admin.TenantId) throw ErrorCatalog.IdTaken.Raise();
        var written = existing is null
            ? await store.Users.TryCreateAsync(user, userId, ct)
            : await store.Users.TryReplaceIfUnchangedAsync(user, userId, userId, existing.ETag!, ct);
        return written ? UserView.Of(user) : throw ErrorCatalog.ConcurrentUpdate.Raise();
    }

    public async Task<MachineTokenIssued> RegisterMachineAsync(AgentCaller admin, RegisterMachineRequest request, CancellationToken ct)
    {
        RequireAdmin(admin);
        var hostname = Required(request.Hostname, "hostname", 255);
        var linked = (request.LinkedUserIds ?? []).Select(id => ValidId(id, "linkedUserIds")).Distinct().ToList();
        if (linked.Count > MaxLinkedUsers) throw ErrorCatalog.ValidationFailed.Raise($"linkedUserIds: no máximo {MaxLinkedUsers}.");
        if (request.AssignedUserId is not null) await TenantUserAsync(admin, ValidId(request.AssignedUserId, "assignedUserId"), "assignedUserId", ct);
        var linkedUsers = new List<UserDocument>();
        foreach (var id in linked) linkedUsers.Add(await TenantUserAsync(admin, id, "linkedUserIds", ct));
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

    const int MaxLinkedUsers = 50;

    /// <summary>A user named in a request must be one of the admin's tenant: anything else is a bad request, never a leak.</summary>
    async Task<UserDocument> TenantUserAsync(AgentCaller admin, string userId, string field, CancellationToken ct)
    {
        var user = await store.Users.ReadOrNullAsync<UserDocument>(userId, userId, ct);
        return user is not null && user.TenantId == admin.TenantId
            ? user
            : throw ErrorCatalog.ValidationFailed.Raise($"{field}: '{userId}' não é um usuário deste tenant.");
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

    async Task<MachineDocument> MachineForAdminAsync(AgentCaller admin, string machineId, CancellationToken ct)
    {
        RequireAdmin(admin);
        var machine = await store.Machines.ReadOrNullAsync<MachineDocument>(machineId, machineId, ct);
        return machine is not null && machine.TenantId == admin.TenantId ? machine : throw ErrorCatalog.MachineNotFound.Raise();
    }

    public async Task<MachineView> GetMachineAsync(AgentCaller admin, string machineId, CancellationToken ct)
    {
        var m = await MachineForAdminAsync(admin, machineId, ct);
        return new MachineView(m.Id, m.Hostname, m.Status, m.AssignedUserId, m.LinkedUserIds, m.LastHeartbeatAt, presence.IsOnline(m.LastHeartbeatAt));
    }

    /// <summary>A new token replaces the current one, which stops working at once on this instance (≤ 30 s elsewhere).</summary>
    public async Task<MachineTokenIssued> RotateTokenAsync(AgentCaller admin, string machineId, CancellationToken ct)
    {
        var machine = await MachineForAdminAsync(admin, machineId, ct);
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
    public async Task<OkResult> RevokeMachineAsync(AgentCaller admin, string machineId, CancellationToken ct)
    {
        var machine = await MachineForAdminAsync(admin, machineId, ct);
        await RevokeTokenAsync(machine.TokenHash, ct);
        await store.Machines.PatchOrNullAsync<MachineDocument>(machine.Id, machine.Id, [PatchOperation.Set("/status", MachineStatus.Revoked)], ct);
        var active = new QueryDefinition("SELECT * FROM c WHERE c.machineId = @machineId AND c.status = @active")
            .WithParameter("@machineId", machine.Id).WithParameter("@active", SessionStatus.Active);
        foreach (var session in await store.Sessions.QueryAsync<SessionDocument>(active, machine.Id, ct))
            await sessions.TryEndAsync(session, s => s with { EndReason = EndReasons.MachineRevoked }, ct);
        await realtime.CloseUserConnectionsAsync(SignalRTokens.MachineUser(machine.Id), ct);
        return new OkResult(true);
    }

    async Task RevokeTokenAsync(string? tokenHash, CancellationToken ct)
    {
        if (tokenHash is null) return;
        await store.MachineTokens.PatchOrNullAsync<MachineTokenDocument>(tokenHash, tokenHash, [PatchOperation.Set("/revoked", true)], ct);
        machineAuth.Forget(tokenHash);
    }

    public async Task<HeartbeatResult> HeartbeatAsync(MachineCaller machine, CancellationToken ct)
    {
        var now = time.NowMs();
        var updated = await store.Machines.PatchOrNullAsync<MachineDocument>(machine.MachineId, machine.MachineId,
            [PatchOperation.Set("/lastHeartbeatAt", now)], ct) ?? throw ErrorCatalog.MachineNotFound.Raise();
        return new HeartbeatResult(true, updated.LastHeartbeatAt ?? now);
    }

    public async Task<TicketView> CreateTicketAsync(AgentCaller admin, CreateTicketRequest request, CancellationToken ct)
    {
        RequireAdmin(admin);
        var ticket = new TicketDocument
        {
            Id = request.Id is null ? Guid.NewGuid().ToString("N") : ValidId(request.Id, "id"),
            TenantId = admin.TenantId,
            Reference = request.Reference is >= 0 ? request.Reference.Value : throw ErrorCatalog.ValidationFailed.Raise("reference é obrigatório (número ≥ 0)."),
            Subject = Required(request.Subject, "subject", 500),
            RequesterId = ValidId(request.RequesterId, "requesterId"),
            CompanyId = request.CompanyId is null ? null : ValidId(request.CompanyId, "companyId"),
            MachineId = request.MachineId is null ? null : (await MachineForAdminAsync(admin, ValidId(request.MachineId, "machineId"), ct)).Id,
            CreatedAt = time.NowMs(),
        };
        await TenantUserAsync(admin, ticket.RequesterId, "requesterId", ct);
        if (!await store.Tickets.TryCreateAsync(ticket, ticket.Id, ct)) throw ErrorCatalog.IdTaken.Raise();
        return TicketView.Of(ticket);
    }

    /// <summary>Links the ticket to a machine (or unlinks it with null); a session on the previous machine ends at once.</summary>
    public async Task<TicketView> LinkMachineAsync(AgentCaller admin, string ticketId, string? machineId, CancellationToken ct)
    {
        RequireAdmin(admin);
        if (machineId is not null) await MachineForAdminAsync(admin, ValidId(machineId, "machineId"), ct);
        var ticket = await access.TicketForAgentAsync(admin, ticketId, ct);
        var linked = ticket with { MachineId = machineId, ETag = null };
        if (!await store.Tickets.TryReplaceIfUnchangedAsync(linked, ticket.Id, ticket.Id, ticket.ETag!, ct))
            throw ErrorCatalog.ConcurrentUpdate.Raise();

        if (ticket.MachineId is not null && ticket.MachineId != machineId
            && await access.ActiveSessionAsync(ticket.MachineId, ticket.Id, ct) is { } active)
            await sessions.TryEndAsync(active, s => s with { EndReason = EndReasons.TicketWithoutMachine }, ct);
        return TicketView.Of(linked);
    }
}
