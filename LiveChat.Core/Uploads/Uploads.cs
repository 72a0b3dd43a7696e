using LiveChat.Core.Errors;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Uploads;

/// <summary>
/// contentType and size, or the reference's own names for them, fileType and fileSize (machine agents written for
/// the reference send those). A type left empty or sent as application/octet-stream is taken from the extension.
/// </summary>
public sealed record UploadRequest(string? FileName, string? ContentType, long? Size, string? FileType = null, long? FileSize = null);

/// <summary>Where and how to PUT the file. attachmentId (= storageId) is what a message then cites.</summary>
public sealed record UploadTicket(
    string AttachmentId, string StorageId, string FileName, string UploadUrl, string Method,
    IReadOnlyDictionary<string, string> Headers, long ExpiresAt, long MaxSize);

/// <summary>Issues create-only SAS URLs for attachments (DESIGN §7).</summary>
public sealed class Uploads(BlobStore blobs, TimeProvider time, IOptions<UploadOptions> options)
{
    readonly UploadOptions _options = options.Value;

    public async Task<UploadTicket> CreateAsync(AttachmentOwner owner, UploadRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.FileName) || request.FileName.Length > FileRules.MaxFileNameLength)
            throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.FileNameRequired(FileRules.MaxFileNameLength));
        if ((request.Size ?? request.FileSize) is not { } size || size < 0)
            throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.FileSizeRequired);
        var name = FileRules.SafeFileName(request.FileName) ?? throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.FileNameInvalid);
        if (!FileRules.IsAllowedExtension(name)) throw ErrorCatalog.FileTypeNotAllowed.Raise(ValidationTexts.FileTypeNotAllowed(FileRules.MimeTypesByExtension.Keys));
        // The bytes' signature, checked when the file is attached, stays the real check of its type.
        var contentType = FileRules.DeclaredOrImpliedType(name, request.ContentType ?? request.FileType);
        if (!FileRules.IsAllowedType(name, contentType)) throw ErrorCatalog.MimeTypeNotAllowed.Raise();
        if (size > _options.MaxFileSize) throw ErrorCatalog.FileTooLarge.Raise(ValidationTexts.FileTooLarge(_options.MaxFileSize));

        var blobName = owner.NewBlobName(name, time.GetUtcNow());
        var url = await blobs.CreateOnlyUrlAsync(blobName, _options.UploadUrlLifetime, ct);
        var headers = new Dictionary<string, string>
        {
            ["x-ms-blob-type"] = "BlockBlob",
            ["Content-Type"] = FileRules.MediaType(contentType),
            ["If-None-Match"] = "*",
        };
        var expiresAt = (time.GetUtcNow() + _options.UploadUrlLifetime).ToUnixTimeMilliseconds();
        // AbsoluteUri keeps the percent-encoding (ToString would turn "%20" back into a raw space).
        return new UploadTicket(blobName, blobName, name, url.AbsoluteUri, "PUT", headers, expiresAt, _options.MaxFileSize);
    }
}
