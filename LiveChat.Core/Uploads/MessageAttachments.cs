using LiveChat.Core.Errors;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Uploads;

/// <summary>
/// SAS cannot limit size or type, so a cited blob is checked when a message attaches it: it must exist under the
/// caller's own prefix with an allowed real size, content type and first bytes; a blob that breaks the rules is
/// deleted. A blob that passes is marked attached before the message is stored, so the orphan cleanup keeps it.
/// </summary>
public sealed class MessageAttachments(BlobStore blobs, TimeProvider time, IOptions<UploadOptions> options)
{
    readonly UploadOptions _options = options.Value;

    public async Task<IReadOnlyList<AttachmentRef>> VerifyAsync(AttachmentOwner owner, IReadOnlyList<string> blobNames, CancellationToken ct)
    {
        var verified = new List<AttachmentRef>(blobNames.Count);
        foreach (var blobName in blobNames)
        {
            // Another owner's blob is reported exactly like a missing one.
            var properties = owner.Owns(blobName) ? await blobs.PropertiesOrNullAsync(blobName, ct) : null;
            if (properties is null) throw ErrorCatalog.AttachmentNotFound.Raise();

            var attached = BlobStore.IsMarkedAttached(properties);
            // Past this, the orphan cleanup may be deleting it: the caller uploads again.
            if (!attached && properties.CreatedOn < time.GetUtcNow() - _options.AttachWithin)
                throw ErrorCatalog.AttachmentExpired.Raise();

            var name = blobName[(blobName.LastIndexOf('/') + 1)..];
            if (properties.ContentLength > _options.MaxFileSize)
            {
                await blobs.DeleteAsync(blobName, ct);
                throw ErrorCatalog.FileTooLarge.Raise(ValidationTexts.FileTooLarge(_options.MaxFileSize));
            }
            if (!FileRules.IsAllowedType(name, properties.ContentType))
            {
                await blobs.DeleteAsync(blobName, ct);
                throw ErrorCatalog.MimeTypeNotAllowed.Raise();
            }
            var head = properties.ContentLength == 0 ? [] : await blobs.ReadHeadAsync(blobName, FileRules.SignatureLength, ct);
            if (!FileRules.ContentMatches(name, head))
            {
                await blobs.DeleteAsync(blobName, ct);
                throw ErrorCatalog.FileContentMismatch.Raise();
            }
            verified.Add(new AttachmentRef(blobName, name, properties.ContentLength, FileRules.MediaType(properties.ContentType)));
            if (!attached) await blobs.MarkAttachedAsync(blobName, ct);
        }
        return verified;
    }

    /// <summary>Each with a short-lived URL that can only read that one blob.</summary>
    public async Task<List<AttachmentView>> ToViewsAsync(IReadOnlyList<AttachmentRef> attachments, CancellationToken ct)
    {
        var views = new List<AttachmentView>(attachments.Count);
        foreach (var a in attachments)
            views.Add(new AttachmentView(a.Id, a.Name, a.Size, a.Type, (await blobs.ReadOnlyUrlAsync(a.Id, _options.ReadUrlLifetime, ct)).AbsoluteUri));
        return views;
    }
}
