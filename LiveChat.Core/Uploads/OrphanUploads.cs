using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Uploads;

/// <summary>
/// Deletes uploads that no message attached within AttachWithin (plus a margin for a post still in flight), so a
/// client that uploads and never sends leaves nothing behind. Run by the sweep's timer; it lists only the upload
/// hours that can hold such blobs, the last <see cref="Lookback"/> of them.
/// </summary>
public sealed class OrphanUploads(BlobStore blobs, TimeProvider time, IOptions<UploadOptions> options, ILogger<OrphanUploads> log)
{
    static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);
    /// <summary>Hours looked back at: orphans of a longer outage of the timer stay.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromHours(6);

    public async Task<int> DeleteAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow() - options.Value.AttachWithin - Margin;
        var deleted = 0;
        for (var hour = cutoff - Lookback; hour <= cutoff; hour += TimeSpan.FromHours(1))
            deleted += await blobs.DeleteUnattachedAsync(AttachmentOwner.HourPrefix(hour), cutoff, ct);
        if (deleted > 0) log.LogInformation("Deleted {Count} uploads that no message attached", deleted);
        return deleted;
    }
}
