namespace LiveChat.Core.Machines;

/// <summary>What else revoking a machine does, owned by the feature it concerns (Chat: <c>ChatFollowUps</c>).</summary>
public interface IMachineRevocationFollowUp
{
    Task MachineRevokedAsync(MachineDocument machine, CancellationToken ct);
}
