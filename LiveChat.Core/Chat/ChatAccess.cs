using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Tickets;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Core.Chat;

/// <summary>Who may reach which ticket and session: an agent only its tenant's tickets, a machine only tickets linked to it.</summary>
public sealed class ChatAccess(CosmosStore store)
{
    public static void RequireStaff(AgentCaller agent, LiveChatError error)
    {
        if (!agent.IsStaff) throw error.Raise();
    }

    /// <summary>Point read; another tenant's ticket is reported exactly like a missing one.</summary>
    public async Task<TicketDocument> TicketForAgentAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        var ticket = await store.Tickets.ReadOrNullAsync<TicketDocument>(ticketId, ticketId, ct);
        return ticket is not null && ticket.TenantId == agent.TenantId ? ticket : throw ErrorCatalog.TicketNotFound.Raise();
    }

    /// <summary>The agent's tenant's ticket (404 otherwise) and its ACTIVE session on the ticket's machine, if any.</summary>
    public async Task<SessionDocument?> AgentSessionAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        var ticket = await TicketForAgentAsync(agent, ticketId, ct);
        return ticket.MachineId is null ? null : await ActiveSessionAsync(ticket.MachineId, ticketId, ct);
    }

    /// <summary>
    /// One query: the ACTIVE session of the agent's tenant on the ticket, found by its unique active key. Only when
    /// there is none is the ticket read, to tell "none" (null) from "not yours" (404).
    /// </summary>
    public async Task<SessionDocument?> AgentActiveSessionAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.activeKey = @activeKey AND c.tenantId = @tenantId")
            .WithParameter("@activeKey", SessionDocument.ActiveKeyFor(ticketId)).WithParameter("@tenantId", agent.TenantId);
        var session = (await store.Sessions.QueryAsync<SessionDocument>(query, null, ct, maxItems: 1)).FirstOrDefault();
        if (session is null) await TicketForAgentAsync(agent, ticketId, ct);
        return session;
    }

    /// <summary>One single-partition query: the ACTIVE session of a ticket on a machine, if any.</summary>
    public async Task<SessionDocument?> ActiveSessionAsync(string machineId, string ticketId, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.machineId = @machineId AND c.activeKey = @activeKey")
            .WithParameter("@machineId", machineId)
            .WithParameter("@activeKey", SessionDocument.ActiveKeyFor(ticketId));
        return (await store.Sessions.QueryAsync<SessionDocument>(query, machineId, ct, maxItems: 1)).FirstOrDefault();
    }

    /// <summary>
    /// The machine's ACTIVE session on the ticket, or null when the ticket is linked to the machine but has none.
    /// Only when there is no session is the ticket read, to tell "not yours" from "not active".
    /// </summary>
    public async Task<SessionDocument?> MachineSessionAsync(MachineCaller machine, string ticketId, CancellationToken ct)
    {
        var session = await ActiveSessionAsync(machine.MachineId, ticketId, ct);
        if (session is not null) return session;

        var ticket = await store.Tickets.ReadOrNullAsync<TicketDocument>(ticketId, ticketId, ct);
        if (ticket is null || ticket.TenantId != machine.TenantId) throw ErrorCatalog.TicketNotFound.Raise();
        if (ticket.MachineId != machine.MachineId) throw ErrorCatalog.MachineNotLinked.Raise();
        return null;
    }
}
