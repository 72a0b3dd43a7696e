using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Tickets;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Core.Chat;

/// <summary>
/// The chat decisions other features' changes trigger, in one place (Machines and Tickets call them through their
/// interfaces and know nothing of chats):
/// <list type="bullet">
/// <item>Revoking a machine ends its ACTIVE chats (<c>maquina_revogada</c>) and closes its push connections.</item>
/// <item>Moving a ticket to another machine, or off any, ends its ACTIVE chat on the previous one (<c>ticket_sem_maquina</c>).</item>
/// </list>
/// </summary>
public sealed class ChatFollowUps(CosmosStore store, ChatAccess access, ChatSessions sessions, ChatEvents events)
    : IMachineRevocationFollowUp, ITicketRelinkFollowUp
{
    public async Task MachineRevokedAsync(MachineDocument machine, CancellationToken ct)
    {
        var active = new QueryDefinition("SELECT * FROM c WHERE c.status = @active").WithParameter("@active", SessionStatus.Active);
        foreach (var session in await store.Sessions.QueryAsync<SessionDocument>(active, SessionDocument.KeyOf(machine.TenantId, machine.Id), ct))
            await sessions.TryEndAsync(session, s => s with { EndReason = EndReasons.MachineRevoked }, ct);
        events.CloseMachineConnections(machine.Id);
    }

    public async Task MachineUnlinkedAsync(TicketDocument ticket, string previousMachineId, CancellationToken ct)
    {
        if (await access.ActiveSessionOnMachineAsync(ticket.TenantId, previousMachineId, ticket.Id, ct) is { } active)
            await sessions.TryEndAsync(active, s => s with { EndReason = EndReasons.TicketWithoutMachine }, ct);
    }
}
