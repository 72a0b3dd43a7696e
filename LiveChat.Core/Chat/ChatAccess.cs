using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Tickets;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Core.Chat;

/// <summary>Who may reach which ticket and session: an agent only its tenant's tickets, a machine only tickets linked to it.</summary>
public sealed class ChatAccess(CosmosStore store, TenantTickets tickets)
{
    /// <summary>Point read; another tenant's ticket is reported exactly like a missing one.</summary>
    public Task<TicketDocument> TicketForAgentAsync(AgentCaller agent, string ticketId, CancellationToken ct) =>
        tickets.ForAgentAsync(agent, ticketId, ct);

    /// <summary>
    /// The ACTIVE session the participant writes in, or null when the ticket has none: the machine's own session on
    /// the ticket (another tenant's ticket is 404, a ticket linked to another machine 403), or for an agent the
    /// session on the machine the ticket is linked to now (another tenant's ticket is 404).
    /// </summary>
    public Task<SessionDocument?> SessionOrNullAsync(ChatParticipant who, string ticketId, CancellationToken ct) =>
        who.Machine is { } machine ? MachineSessionAsync(machine, ticketId, ct) : AgentSessionAsync(who.Agent!, ticketId, ct);

    /// <summary><see cref="SessionOrNullAsync"/>, and session_not_active when there is none.</summary>
    public async Task<SessionDocument> ActiveSessionAsync(ChatParticipant who, string ticketId, CancellationToken ct) =>
        await SessionOrNullAsync(who, ticketId, ct) ?? throw ErrorCatalog.SessionNotActive.Raise();

    /// <summary>
    /// The session whose unread count a message list shows: as <see cref="SessionOrNullAsync"/>, except that an agent
    /// sees the ticket's claimed session on any machine (a relinked ticket's old session, until it is ended).
    /// </summary>
    public Task<SessionDocument?> ListedSessionOrNullAsync(ChatParticipant who, string ticketId, CancellationToken ct) =>
        who.Machine is { } machine ? MachineSessionAsync(machine, ticketId, ct) : AgentActiveSessionAsync(who.Agent!, ticketId, ct);

    /// <summary>The agent's tenant's ticket (404 otherwise) and its ACTIVE session on the ticket's machine, if any.</summary>
    async Task<SessionDocument?> AgentSessionAsync(AgentCaller agent, string ticketId, CancellationToken ct) =>
        await ActiveSessionOnTicketMachineAsync(await TicketForAgentAsync(agent, ticketId, ct), ct);

    /// <summary>The ticket's ACTIVE session if it is on the machine the ticket is linked to now (after a relink, not before).</summary>
    public async Task<SessionDocument?> ActiveSessionOnTicketMachineAsync(TicketDocument ticket, CancellationToken ct) =>
        await ClaimedActiveSessionAsync(ticket, ct) is { } session && session.MachineId == ticket.MachineId ? session : null;

    /// <summary>The agent's tenant's ticket (404 otherwise) and its ACTIVE session on any machine, if any.</summary>
    async Task<SessionDocument?> AgentActiveSessionAsync(AgentCaller agent, string ticketId, CancellationToken ct) =>
        await ClaimedActiveSessionAsync(await TicketForAgentAsync(agent, ticketId, ct), ct);

    /// <summary>
    /// The ACTIVE session the ticket's claim names (ChatSessions.StartAsync takes the claim before creating the
    /// session, and the sweep ends any ACTIVE session the claim does not name): a point read in the session's machine
    /// partition, so no agent-side lookup queries across partitions (every tenant's) to find it.
    /// </summary>
    public async Task<SessionDocument?> ClaimedActiveSessionAsync(TicketDocument ticket, CancellationToken ct) =>
        ticket.ActiveSession is { } claim
        && await store.Sessions.ReadOrNullAsync<SessionDocument>(claim.SessionId, SessionDocument.KeyOf(ticket.TenantId, claim.MachineId), ct) is { IsActive: true } session
        && session.TicketId == ticket.Id
            ? session
            : null;

    /// <summary>One single-partition query: the ACTIVE session of a ticket on a machine, if any.</summary>
    public async Task<SessionDocument?> ActiveSessionOnMachineAsync(string tenantId, string machineId, string ticketId, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.activeKey = @activeKey")
            .WithParameter("@activeKey", SessionDocument.ActiveKeyFor(ticketId));
        return (await store.Sessions.QueryAsync<SessionDocument>(query, SessionDocument.KeyOf(tenantId, machineId), ct, maxItems: 1)).FirstOrDefault();
    }

    /// <summary>
    /// The machine's ACTIVE session on the ticket, or null when the ticket is linked to the machine but has none.
    /// Only when there is no session is the ticket read, to tell "not yours" from "not active".
    /// </summary>
    public async Task<SessionDocument?> MachineSessionAsync(MachineCaller machine, string ticketId, CancellationToken ct)
    {
        var session = await ActiveSessionOnMachineAsync(machine.TenantId, machine.MachineId, ticketId, ct);
        if (session is not null) return session;

        var ticket = await store.Tickets.ReadOrNullAsync<TicketDocument>(ticketId, ticketId, ct);
        if (ticket is null || ticket.TenantId != machine.TenantId) throw ErrorCatalog.TicketNotFound.Raise();
        if (ticket.MachineId != machine.MachineId) throw ErrorCatalog.MachineNotLinked.Raise();
        return null;
    }
}
