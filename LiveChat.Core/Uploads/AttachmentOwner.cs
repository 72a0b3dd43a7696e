using System.Globalization;
using LiveChat.Core.Identity;

namespace LiveChat.Core.Uploads;

/// <summary>
/// Whose uploads a blob name belongs to. A name is "{upload hour}/{owner prefix}{upload id}/{file name}": the hour
/// (UTC, yyyyMMddHH) comes first so the orphan cleanup lists only the hours it is due to look at.
/// </summary>
public sealed record AttachmentOwner(string Prefix)
{
    const string HourFormat = "yyyyMMddHH";

    public static AttachmentOwner Machine(MachineCaller machine) => new($"{machine.TenantId}/{machine.MachineId}/");
    public static AttachmentOwner Agent(AgentCaller agent) => new($"{agent.TenantId}/agents/{agent.UserId}/");

    /// <summary>The listing prefix of the blobs whose upload URLs were issued in <paramref name="at"/>'s hour.</summary>
    public static string HourPrefix(DateTimeOffset at) => at.UtcDateTime.ToString(HourFormat, CultureInfo.InvariantCulture) + "/";

    /// <summary>
    /// An upload hour, the owner's prefix, one upload id and one file name that the upload step would have produced
    /// itself: the same name rule at both steps, so whatever can be uploaded can be attached, and nothing else.
    /// </summary>
    public bool Owns(string blobName) =>
        blobName.Split('/', 2) is [var hour, var rest]
        && DateTime.TryParseExact(hour, HourFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
        && rest.StartsWith(Prefix, StringComparison.Ordinal)
        && rest[Prefix.Length..].Split('/') is [var uploadId, var fileName]
        && uploadId.Length == 32 && uploadId.All(char.IsAsciiHexDigitLower)
        && FileRules.SafeFileName(fileName) == fileName;

    public string NewBlobName(string safeFileName, DateTimeOffset now) => $"{HourPrefix(now)}{Prefix}{Guid.NewGuid():N}/{safeFileName}";
}
