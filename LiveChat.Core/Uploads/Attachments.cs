namespace LiveChat.Core.Uploads;

/// <summary>An attachment as verified against the blob itself (name, real size and content type).</summary>
public sealed record AttachmentRef(string Id, string Name, long Size, string Type);

/// <summary>An attachment as callers see it, with a short-lived URL that can read only its blob.</summary>
public sealed record AttachmentView(string Id, string Name, long Size, string Type, string? Url)
{
    /// <summary>The reference's field name for the attachment id.</summary>
    public string StorageId => Id;
}
