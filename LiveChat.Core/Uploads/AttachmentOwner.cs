using LiveChat.Core.Identity;
using LiveChat.Core.Machines;

namespace LiveChat.Core.Uploads;

/// <summary>Whose uploads a blob name belongs to: every upload lives under its owner's prefix.</summary>
public sealed record AttachmentOwner(string Prefix)
{
    public static AttachmentOwner Machine(MachineCaller machine) => new($"{machine.TenantId}/{machine.MachineId}/");
    public static AttachmentOwner Agent(AgentCaller agent) => new($"{agent.TenantId}/agents/{agent.UserId}/");

    public bool Owns(string blobName) => blobName.StartsWith(Prefix, StringComparison.Ordinal) && !blobName.Contains("..");
}
