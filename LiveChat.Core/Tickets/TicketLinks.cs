using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using static LiveChat.Core.Identity.AdminInput;

namespace LiveChat.Core.Tickets;

public sealed record CreateTicketRequest(string? Id, long? Reference, string? Subject, string? RequesterId, string? CompanyId, string? MachineId);

public sealed record LinkMachineRequest(string? MachineId);

/// <summary>A tenant's tickets as this service needs them: created by its ADMIN, and linked to a machine or not.</summary>
public sealed class TicketLinks(CosmosStore store, TenantTickets tickets, MachineRegistry machines, TenantUsers users, ITicketRelinkFollowUp followUp,
    TimeProvider time)
{
    public async Task<TicketView> CreateAsync(AgentCaller admin, CreateTicketRequest request, CancellationToken ct)
    {
        RequireAdmin(admin);
        var ticket = new TicketDocument
        {
            Id = request.Id is null ? Guid.NewGuid().ToString("N") : ValidId(request.Id, "id"),
            TenantId = admin.TenantId,
            Reference = request.Reference is >= 0 ? request.Reference.Value : throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.ReferenceRequired),
            Subject = Required(request.Subject, "subject", 500),
            RequesterId = ValidId(request.RequesterId, "requesterId"),
            CompanyId = request.CompanyId is null ? null : ValidId(request.CompanyId, "companyId"),
            MachineId = request.MachineId is null ? null : (await machines.ForAdminAsync(admin, ValidId(request.MachineId, "machineId"), ct)).Id,
            CreatedAt = time.NowMs(),
        };
        await users.MemberAsync(admin, ticket.RequesterId, "requesterId", ct);
        if (!await store.Tickets.TryCreateAsync(ticket, ticket.Id, ct)) throw ErrorCatalog.IdTaken.Raise();
        return TicketView.Of(ticket);
    }

    /// <summary>Links the ticket to a machine (or unlinks it with null); a session on the previous machine ends at once.</summary>
    public async Task<TicketView> LinkMachineAsync(AgentCaller admin, string ticketId, string? machineId, CancellationToken ct)
    {
        RequireAdmin(admin);
        if (machineId is not null) await machines.ForAdminAsync(admin, ValidId(machineId, "machineId"), ct);
        var ticket = await tickets.ForAgentAsync(admin, ticketId, ct);
        var linked = ticket with { MachineId = machineId, ETag = null };
        if (!await store.Tickets.TryReplaceIfUnchangedAsync(linked, ticket.Id, ticket.Id, ticket.ETag!, ct))
            throw ErrorCatalog.ConcurrentUpdate.Raise();

        if (ticket.MachineId is not null && ticket.MachineId != machineId) await followUp.MachineUnlinkedAsync(linked, ticket.MachineId, ct);
        return TicketView.Of(linked);
    }
}
