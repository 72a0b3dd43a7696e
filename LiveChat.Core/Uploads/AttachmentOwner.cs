using LiveChat.Core.Identity;
using LiveChat.Core.Machines;

namespace LiveChat.Core.Uploads;

/// <summary>Whose uploads a blob name belongs to: every upload lives under its owner's prefix.</summary>
public sealed record AttachmentOwner(string Prefix)
{
    public static AttachmentOwner Machine(MachineCaller machine) => new($"{machine.TenantId}/{machine.MachineId}/");
    public static AttachmentOwner Agent(AgentCaller agent) => new($"{agent.TenantId}/agents/{agent.UserId}/");

    /// <summary>
    /// The owner's prefix, one upload id and one file name that the upload step would have produced itself: the same
    /// name rule at both steps, so whatever can be uploaded can be attached, and nothing else.
    /// </summary>
    public bool Owns(string blobName) =>
        blobName.StartsWith(Prefix, StringComparison.Ordinal)
        && blobName[Prefix.Length..].Split('/') is [var uploadId, var fileName]
        && uploadId.Length == 32 && uploadId.All(char.IsAsciiHexDigitLower)
        && FileRules.SafeFileName(fileName) == fileName;

    public string NewBlobName(string safeFileName) => $"{Prefix}{Guid.NewGuid():N}/{safeFileName}";
}
