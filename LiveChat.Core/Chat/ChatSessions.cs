using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using LiveChat.Core.Tickets;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Chat;

/// <summary>Starting, ending and listing chat sessions, for agents and for machines.</summary>
public sealed class ChatSessions(
    CosmosStore store, ChatAccess access, Timeline timeline, Presence presence, ChatEvents events, TimeProvider time,
    IOptions<LiveChatOptions> options)
{
    readonly LiveChatOptions _limits = options.Value;

    public async Task<StartSessionResult> StartAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        ChatAccess.RequireStaff(agent, ErrorCatalog.ForbiddenRole);
        var ticket = await access.TicketForAgentAsync(agent, ticketId, ct);
        if (ticket.MachineId is null) throw ErrorCatalog.TicketHasNoMachine.Raise();
        var machine = await store.Machines.ReadOrNullAsync<MachineDocument>(ticket.MachineId, ticket.MachineId, ct)
            ?? throw ErrorCatalog.MachineNotFound.Raise();
        if (machine.Status == MachineStatus.Revoked) throw ErrorCatalog.MachineRevoked.Raise();
        if (!presence.IsOnline(machine.LastHeartbeatAt)) throw ErrorCatalog.MachineOffline.Raise();

        var session = NewSession(agent, ticket, machine, time.NowMs());
        // The unique key on activeKey lets exactly one of several racing starts create the session.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await store.Sessions.TryCreateAsync(session, machine.Id, ct))
            {
                await timeline.WriteAsync(Timeline.StartedEvent(session), ct);
                if (!ticket.ChatEnabled)
                    await store.Tickets.PatchOrNullAsync<TicketDocument>(ticket.Id, ticket.Id, [PatchOperation.Set("/chatEnabled", true)], ct);
                await events.SessionStartedAsync(session);
                return new StartSessionResult(session.Id, IsNew: true);
            }
            var existing = await access.ActiveSessionAsync(machine.Id, ticketId, ct);
            if (existing is not null) return new StartSessionResult(existing.Id, IsNew: false);
        }
        throw ErrorCatalog.StoreUnavailable.Raise();
    }

    static SessionDocument NewSession(AgentCaller agent, TicketDocument ticket, MachineDocument machine, long now)
    {
        var (clientId, clientSnapshot) = ClientAuthor(machine, ticket);
        return new SessionDocument
        {
            Id = Guid.NewGuid().ToString("N"),
            MachineId = machine.Id,
            TenantId = ticket.TenantId,
            TicketId = ticket.Id,
            TicketRef = ticket.Reference,
            TicketSubject = ticket.Subject,
            MachineHostname = machine.Hostname,
            ActiveKey = SessionDocument.ActiveKeyFor(ticket.Id),
            AgentId = agent.UserId,
            AgentSnapshot = new PersonSnapshot(agent.Name, agent.Email, agent.AvatarUrl),
            ClientAuthorId = clientId,
            ClientSnapshot = clientSnapshot,
            StartedAt = now,
            LastActivityAt = now,
        };
    }

    /// <summary>The reference's author resolution: assigned user, else first linked user, else the ticket's requester.</summary>
    public static (string Id, PersonSnapshot Snapshot) ClientAuthor(MachineDocument machine, TicketDocument ticket)
    {
        var fallback = new PersonSnapshot(machine.AssignedUserName ?? machine.Hostname, machine.AssignedUserEmail);
        if (machine.AssignedUserId is { } assigned) return (assigned, fallback);
        if (machine.LinkedUserIds.Count > 0) return (machine.LinkedUserIds[0], machine.LinkedUserSnapshot ?? fallback);
        return (ticket.RequesterId, fallback);
    }

    public async Task<OkResult> EndAsync(AgentCaller agent, string sessionId, CancellationToken ct)
    {
        ChatAccess.RequireStaff(agent, ErrorCatalog.ForbiddenRoleEnd);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.id = @id AND c.tenantId = @tenantId")
            .WithParameter("@id", sessionId).WithParameter("@tenantId", agent.TenantId);
        var session = (await store.Sessions.QueryAsync<SessionDocument>(query, null, ct, maxItems: 1)).FirstOrDefault()
            ?? throw ErrorCatalog.SessionNotFound.Raise();

        var ended = await TryEndAsync(session, s => s with { EndedById = agent.UserId, EndedByName = agent.Name }, ct);
        return ended is not null ? new OkResult(true) : throw ErrorCatalog.SessionAlreadyEnded.Raise();
    }

    /// <summary>
    /// ACTIVE → ENDED, conditioned on the ETag; on a concurrent change the fresh session is judged again by
    /// <paramref name="describeEnd"/> (null: no longer to be ended). Returns the ended session, or null when
    /// it was not this call that ended it. The LIVE_CHAT_ENDED event follows; a sweep repairs it if it is lost.
    /// </summary>
    public async Task<SessionDocument?> TryEndAsync(SessionDocument session, Func<SessionDocument, SessionDocument?> describeEnd,
        CancellationToken ct)
    {
        var attempts = 0;
        for (var current = session; current is { IsActive: true } && attempts++ < _limits.MaxConcurrentUpdateAttempts;
             current = await store.Sessions.ReadOrNullAsync<SessionDocument>(session.Id, session.MachineId, ct))
        {
            if (describeEnd(current) is not { } described) return null;
            var ended = described with
            {
                Status = SessionStatus.Ended,
                ActiveKey = $"ended:{current.Id}",
                EndedAt = time.NowMs(),
                ETag = null,
            };
            if (await store.Sessions.TryReplaceIfUnchangedAsync(ended, ended.Id, ended.MachineId, current.ETag!, ct))
            {
                await timeline.WriteAsync(Timeline.EndedEvent(ended), ct);
                await events.SessionEndedAsync(ended);
                return ended;
            }
        }
        return null;
    }

    public async Task<TicketSessionView> GetForTicketAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        ChatAccess.RequireStaff(agent, ErrorCatalog.ForbiddenRoleView);
        var ticket = await access.TicketForAgentAsync(agent, ticketId, ct);
        if (ticket.MachineId is null) return new TicketSessionView(null, null, null, null, null, 0, MachineOnline: false, ticket.Reference, ticket.Subject);

        var machine = await store.Machines.ReadOrNullAsync<MachineDocument>(ticket.MachineId, ticket.MachineId, ct);
        var online = machine is { Status: not MachineStatus.Revoked } && presence.IsOnline(machine.LastHeartbeatAt);
        var s = await access.ActiveSessionAsync(ticket.MachineId, ticketId, ct);
        return s is null
            ? new TicketSessionView(null, null, null, null, null, 0, online, ticket.Reference, ticket.Subject)
            : new TicketSessionView(s.Id, s.AgentId, s.AgentSnapshot.Name, s.StartedAt, s.LastActivityAt, s.UnreadByAgent, online, ticket.Reference, ticket.Subject);
    }

    /// <summary>The tenant's ACTIVE sessions, newest activity first. Non-staff see none (as the reference).</summary>
    public async Task<IReadOnlyList<AgentSessionView>> ListForAgentAsync(AgentCaller agent, CancellationToken ct)
    {
        if (!agent.IsStaff) return [];
        var query = new QueryDefinition(
                $"SELECT TOP {_limits.MaxAgentSessions} {SessionSummary.Fields} FROM c WHERE c.tenantId = @tenantId AND c.status = 'ACTIVE' ORDER BY c.lastActivityAt DESC")
            .WithParameter("@tenantId", agent.TenantId);
        var sessions = await store.Sessions.QueryAsync<SessionSummary>(query, null, ct, _limits.MaxAgentSessions);
        return sessions
            .Select(s => new AgentSessionView(s.TicketId, s.TicketRef, s.TicketSubject, s.Id, s.AgentId, s.AgentSnapshot.Name,
                s.UnreadByAgent, s.LastActivityAt, s.StartedAt))
            .OrderByDescending(s => s.LastActivityAt)
            .ToList();
    }

    public async Task<IReadOnlyList<MachineSessionView>> ListForMachineAsync(MachineCaller machine, CancellationToken ct) =>
        (await ActiveOnMachineAsync(machine, ct))
        .Select(s => new MachineSessionView(s.Id, s.TicketId, s.TicketRef, s.TicketSubject, s.AgentSnapshot.Name,
            s.AgentSnapshot.Email, s.AgentSnapshot.AvatarUrl, s.UnreadByMachine, s.LastActivityAt, s.StartedAt))
        .ToList();

    public async Task<MachineUpdates> UpdatesForMachineAsync(MachineCaller machine, CancellationToken ct)
    {
        var sessions = (await ActiveOnMachineAsync(machine, ct))
            .Select(s => new MachineUpdateView(s.TicketId, s.TicketRef, s.UnreadByMachine, s.LastActivityAt))
            .ToList();
        return new MachineUpdates(sessions.Count > 0, sessions, sessions.Sum(s => s.UnreadCount));
    }

    /// <summary>One single-partition query: the machine's ACTIVE sessions (at most 50, as the reference).</summary>
    Task<List<SessionSummary>> ActiveOnMachineAsync(MachineCaller machine, CancellationToken ct)
    {
        var query = new QueryDefinition(
                $"SELECT TOP {_limits.MaxMachineSessions} {SessionSummary.Fields} FROM c WHERE c.machineId = @machineId AND c.status = 'ACTIVE'")
            .WithParameter("@machineId", machine.MachineId);
        return store.Sessions.QueryAsync<SessionSummary>(query, machine.MachineId, ct, _limits.MaxMachineSessions);
    }
}
