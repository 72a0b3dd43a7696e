using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using LiveChat.Core.Tickets;
using LiveChat.Core.Webhooks;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Chat;

/// <summary>Starting, ending and listing chat sessions, for agents and for machines.</summary>
public sealed class ChatSessions(
    CosmosStore store, ChatAccess access, Timeline timeline, Presence presence, ChatEvents events, MachineInbox inbox, WebhookOutbox webhooks,
    TimeProvider time, IOptions<LiveChatOptions> options)
{
    readonly LiveChatOptions _limits = options.Value;

    /// <summary>
    /// One ACTIVE session per ticket, on any machine: the ticket's claim (<see cref="TicketDocument.ActiveSession"/>) is
    /// taken under the ticket's ETag before the session is created, so of racing starts one wins and the others answer
    /// its session. A claimed session still ACTIVE on the machine the ticket has since been relinked away from is ended
    /// first (ticket_sem_maquina), as the relink would have ended it.
    /// </summary>
    public async Task<StartSessionResult> StartAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        agent.RequireStaff(ErrorCatalog.ForbiddenRole);
        var ticket = await access.TicketForAgentAsync(agent, ticketId, ct);
        if (ticket.MachineId is null) throw ErrorCatalog.TicketHasNoMachine.Raise();
        var machine = await store.Machines.ReadOrNullAsync<MachineDocument>(ticket.MachineId, ticket.MachineId, ct)
            ?? throw ErrorCatalog.MachineNotFound.Raise();
        if (machine.Status == MachineStatus.Revoked) throw ErrorCatalog.MachineRevoked.Raise();
        if (!presence.IsOnline(machine.LastHeartbeatAt)) throw ErrorCatalog.MachineOffline.Raise();

        for (var attempt = 1; ; attempt++)
        {
            if (await ClaimedSessionAsync(ticket, ct) is { } claimed)
            {
                if (claimed.MachineId == machine.Id) return new StartSessionResult(claimed.Id, IsNew: false);
                await TryEndAsync(claimed, s => s with { EndReason = EndReasons.TicketWithoutMachine }, ct);
            }
            var session = NewSession(agent, ticket, machine, time.NowMs());
            var claim = ticket with { ActiveSession = new SessionClaim(session.Id, machine.Id, session.StartedAt), ChatEnabled = true, ETag = null };
            if (await store.Tickets.TryReplaceIfUnchangedAsync(claim, ticket.Id, ticket.Id, ticket.ETag!, ct))
                return await CreateClaimedAsync(ticket, session, ct);
            if (attempt >= _limits.MaxConcurrentUpdateAttempts) throw ErrorCatalog.ConcurrentUpdate.Raise();
            // Another start claimed the ticket first (or it was relinked): judge it again as it is now.
            ticket = await access.TicketForAgentAsync(agent, ticketId, ct);
            if (ticket.MachineId != machine.Id) throw ErrorCatalog.ConcurrentUpdate.Raise();
        }
    }

    /// <summary>
    /// The ACTIVE session the ticket's claim names, or null when the claim is free: none, its session ended, or its
    /// session was never created and the start that claimed it is surely over (twice the request deadline).
    /// </summary>
    async Task<SessionDocument?> ClaimedSessionAsync(TicketDocument ticket, CancellationToken ct)
    {
        if (ticket.ActiveSession is not { } claim) return null;
        foreach (var wait in InFlightWrite.Waits)
        {
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            if (await store.Sessions.ReadOrNullAsync<SessionDocument>(claim.SessionId, SessionDocument.KeyOf(ticket.TenantId, claim.MachineId), ct) is { } session)
                return session.IsActive ? session : null;
            if (time.NowMs() - claim.ClaimedAt > 2 * (long)_limits.RequestDeadline.TotalMilliseconds) return null;
        }
        throw ErrorCatalog.ConcurrentUpdate.Raise(); // the claiming start is still creating its session
    }

    async Task<StartSessionResult> CreateClaimedAsync(TicketDocument ticket, SessionDocument session, CancellationToken ct)
    {
        var hook = await webhooks.RecordAsync(ChatWebhookEvents.SessionStarted(session), ct);
        if (await store.Sessions.TryCreateAsync(session, session.Key, ct))
        {
            webhooks.Relay(hook);
            await inbox.ReflectAsync(session, ct);
            await timeline.WriteAsync(Timeline.StartedEvent(session), ct);
            events.SessionStartedFor(session);
            return new StartSessionResult(session.Id, IsNew: true);
        }
        // The machine's unique key found an ACTIVE session of this ticket that no claim named (one written before
        // claims existed, or by hand): that one becomes the claimed session.
        var existing = await access.ActiveSessionOnMachineAsync(session.TenantId, session.MachineId, ticket.Id, ct) ?? throw ErrorCatalog.ConcurrentUpdate.Raise();
        await store.Tickets.PatchOrNullAsync<TicketDocument>(ticket.Id, ticket.Id,
            [PatchOperation.Set("/activeSession", new SessionClaim(existing.Id, existing.MachineId, time.NowMs()))], ct);
        return new StartSessionResult(existing.Id, IsNew: false);
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
            Version = 1,
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
        agent.RequireStaff(ErrorCatalog.ForbiddenRoleEnd);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.id = @id AND c.tenantId = @tenantId")
            .WithParameter("@id", sessionId).WithParameter("@tenantId", agent.TenantId);
        var session = (await store.Sessions.QueryAsync<SessionDocument>(query, SessionDocument.TenantPrefix(agent.TenantId), ct, maxItems: 1)).FirstOrDefault()
            ?? throw ErrorCatalog.SessionNotFound.Raise();

        var ended = await TryEndAsync(session, s => s with { EndedById = agent.UserId, EndedByName = agent.Name }, ct);
        return ended is not null ? new OkResult(true) : throw ErrorCatalog.SessionAlreadyEnded.Raise();
    }

    /// <summary>
    /// ACTIVE → ENDED, conditioned on the ETag; on a concurrent change the fresh session is judged again by
    /// <paramref name="describeEnd"/> (null: no longer to be ended). Returns the ended session, or null when it is not
    /// ACTIVE (any more) or not to be ended; 409 concurrent_update when every attempt lost a race, so the answer never
    /// claims a state the store does not have. The LIVE_CHAT_ENDED event follows; a sweep repairs it if it is lost.
    /// </summary>
    public async Task<SessionDocument?> TryEndAsync(SessionDocument session, Func<SessionDocument, SessionDocument?> describeEnd,
        CancellationToken ct)
    {
        var hook = await webhooks.RecordAsync(ChatWebhookEvents.SessionEnded(session), ct);
        var ended = await store.Sessions.UpdateIfUnchangedAsync(session, session.Id, session.Key,
            current => current.IsActive && describeEnd(current) is { } described
                ? described with { Status = SessionStatus.Ended, ActiveKey = $"ended:{current.Id}", EndedAt = time.NowMs(), Version = current.Version + 1, ETag = null }
                : null,
            _limits.MaxConcurrentUpdateAttempts, ct);
        if (ended is null) return null;
        webhooks.Relay(hook);
        await inbox.ReflectAsync(ended, ct);
        await timeline.WriteAsync(Timeline.EndedEvent(ended), ct);
        events.SessionEndedFor(ended);
        return ended;
    }

    public async Task<TicketSessionView> GetForTicketAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        agent.RequireStaff(ErrorCatalog.ForbiddenRoleView);
        var ticket = await access.TicketForAgentAsync(agent, ticketId, ct);
        if (ticket.MachineId is null) return new TicketSessionView(null, null, null, null, null, 0, MachineOnline: false, ticket.Reference, ticket.Subject);

        var machine = await store.Machines.ReadOrNullAsync<MachineDocument>(ticket.MachineId, ticket.MachineId, ct);
        var online = machine is { Status: not MachineStatus.Revoked } && presence.IsOnline(machine.LastHeartbeatAt);
        var s = await access.ActiveSessionOnTicketMachineAsync(ticket, ct);
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
        var sessions = await store.Sessions.QueryAsync<SessionSummary>(query, SessionDocument.TenantPrefix(agent.TenantId), ct, _limits.MaxAgentSessions);
        return sessions
            .Select(s => new AgentSessionView(s.TicketId, s.TicketRef, s.TicketSubject, s.Id, s.AgentId, s.AgentSnapshot.Name,
                s.UnreadByAgent, s.LastActivityAt, s.StartedAt))
            .OrderByDescending(s => s.LastActivityAt)
            .ToList();
    }

    public async Task<IReadOnlyList<MachineSessionView>> ListForMachineAsync(MachineCaller machine, CancellationToken ct) =>
        (await ActiveOnMachineAsync(machine, ct))
        .Select(s => new MachineSessionView(s.Id, s.Entry.TicketId, s.Entry.TicketRef, s.Entry.TicketSubject, s.Entry.Agent.Name,
            s.Entry.Agent.Email, s.Entry.Agent.AvatarUrl, s.Entry.UnreadByMachine, s.Entry.LastActivityAt, s.Entry.StartedAt))
        .ToList();

    public async Task<MachineUpdates> UpdatesForMachineAsync(MachineCaller machine, CancellationToken ct)
    {
        var sessions = (await ActiveOnMachineAsync(machine, ct))
            .Select(s => new MachineUpdateView(s.Entry.TicketId, s.Entry.TicketRef, s.Entry.UnreadByMachine, s.Entry.LastActivityAt))
            .ToList();
        return new MachineUpdates(sessions.Count > 0, sessions, sessions.Sum(s => s.UnreadCount));
    }

    /// <summary>One point read of the machine's inbox: its ACTIVE sessions, oldest first (at most 50, as the reference).</summary>
    async Task<List<(string Id, InboxEntry Entry)>> ActiveOnMachineAsync(MachineCaller machine, CancellationToken ct) =>
        (await inbox.ReadAsync(machine, ct))?.Sessions
        .Where(e => e.Value.IsActive)
        .OrderBy(e => e.Value.StartedAt).ThenBy(e => e.Key)
        .Take(_limits.MaxMachineSessions)
        .Select(e => (e.Key, e.Value))
        .ToList() ?? [];
}
