using System.Security.Cryptography;
using System.Text;
using LiveChat.Core.Uploads;

namespace LiveChat.Import;

/// <summary>A message's attachments from the snapshot's file storage into Blob Storage, checked as uploads are.</summary>
sealed class AttachmentImport(BlobStore blobs, UploadOptions uploads, ImportReport report, bool dryRun)
{
    /// <summary>
    /// Each cited file, checked as an upload is (type, size, first bytes) and stored under the service's naming:
    /// the message's hour, the author's prefix, an upload id derived from the storage id (the same on every run).
    /// </summary>
    public async Task<IReadOnlyList<AttachmentRef>> ImportAsync(ConvexSnapshot snapshot, IReadOnlyList<AttachmentRow>? cited, string messageWhere,
        string ownerPrefix, long createdAt, CancellationToken ct)
    {
        var files = report.Counts["_storage"];
        var result = new List<AttachmentRef>();
        foreach (var (storageId, name, claimedType) in cited ?? [])
        {
            files.Read++;
            var where = $"{messageWhere} attachment {storageId} ({name})";
            if (storageId is null || name is null)
            {
                files.Skipped++;
                report.FilesRefused.Add($"{where}: storageId and name are required");
                continue;
            }
            if (snapshot.File(storageId) is not { } entry)
            {
                files.Skipped++;
                report.FilesMissing.Add($"{where}: not in the export (was it made with --include-file-storage?)");
                continue;
            }
            var type = string.IsNullOrEmpty(claimedType) ? null : claimedType;
            var safeName = FileRules.SafeFileName(name);
            byte[] head;
            await using (var read = entry.Open())
            {
                head = new byte[FileRules.SignatureLength];
                head = head[..await read.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct)];
            }
            var refusal = safeName is null || !FileRules.IsAllowedExtension(safeName) ? "file type not allowed"
                : type is not null && !FileRules.IsAllowedType(safeName, type) ? $"content type {type} does not match the name"
                : entry.Length > uploads.MaxFileSize ? $"{entry.Length} bytes, more than {uploads.MaxFileSize}"
                : !FileRules.ContentMatches(safeName, head) ? "its first bytes are not those of its type"
                : !await MatchesRecordedHashAsync(snapshot, storageId, entry, ct) ? "its bytes do not match the SHA-256 in _storage/documents.jsonl (damaged in the export)"
                : null;
            if (refusal is not null)
            {
                files.Skipped++;
                report.FilesRefused.Add($"{where}: {refusal}");
                continue;
            }
            var contentType = type ?? FileRules.MimeTypesByExtension[FileRules.Extension(safeName!)][0];
            var uploadId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(storageId)))[..32];
            var blobName = $"{AttachmentOwner.HourPrefix(DateTimeOffset.FromUnixTimeMilliseconds(createdAt))}{ownerPrefix}{uploadId}/{safeName}";
            if (dryRun) files.Imported++;
            else
            {
                await using var content = entry.Open();
                if (await blobs.CreateAttachedAsync(blobName, content, contentType, ct)) files.Imported++;
                else files.AlreadyPresent++;
            }
            result.Add(new AttachmentRef(blobName, name, entry.Length, FileRules.MediaType(contentType)));
        }
        return result;
    }

    static async Task<bool> MatchesRecordedHashAsync(ConvexSnapshot snapshot, string storageId, System.IO.Compression.ZipArchiveEntry entry, CancellationToken ct)
    {
        if (snapshot.Sha256(storageId) is not { } recorded) return true;
        await using var bytes = entry.Open();
        return Convert.ToBase64String(await SHA256.HashDataAsync(bytes, ct)) == recorded;
    }
}
