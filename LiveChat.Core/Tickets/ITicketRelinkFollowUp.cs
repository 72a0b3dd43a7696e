namespace LiveChat.Core.Tickets;

/// <summary>What else moving a ticket off a machine does, owned by the feature it concerns (Chat: <c>ChatFollowUps</c>).</summary>
public interface ITicketRelinkFollowUp
{
    Task MachineUnlinkedAsync(TicketDocument ticket, string previousMachineId, CancellationToken ct);
}
