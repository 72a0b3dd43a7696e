using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;

namespace LiveChat.Core.Tickets;

/// <summary>Reading a ticket for an agent: only their tenant's.</summary>
public sealed class TenantTickets(CosmosStore store)
{
    /// <summary>Point read; another tenant's ticket is reported exactly like a missing one.</summary>
    public async Task<TicketDocument> ForAgentAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        var ticket = await store.Tickets.ReadOrNullAsync<TicketDocument>(ticketId, ticketId, ct);
        return ticket is not null && ticket.TenantId == agent.TenantId ? ticket : throw ErrorCatalog.TicketNotFound.Raise();
    }
}
