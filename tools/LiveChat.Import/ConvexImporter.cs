using LiveChat.Core.Chat;
using LiveChat.Core.Storage;
using LiveChat.Core.Uploads;

namespace LiveChat.Import;

/// <summary>
/// Writes one tenant's chat data from a Convex snapshot into the service's containers (<see cref="ImportRun"/> does
/// one run). Every document keeps its Convex id (timeline events get the service's deterministic ids) and is created
/// only if absent, so a second run changes nothing and a run after a crash resumes; each document is written whole in
/// one call. Referenced rows that are missing are reported and their dependants skipped; nothing is guessed.
/// </summary>
public sealed class ConvexImporter(CosmosStore store, MachineInbox inbox, BlobStore blobs, UploadOptions uploads, TextWriter progress)
{
    public async Task<ImportReport> RunAsync(string zipPath, string tenantId, bool dryRun, CancellationToken ct)
    {
        var report = new ImportReport { Snapshot = Path.GetFileName(zipPath), TenantId = tenantId, DryRun = dryRun };
        using var snapshot = ConvexSnapshot.Open(zipPath, out var error);
        if (snapshot is null)
        {
            report.Fatal = error;
            return report;
        }
        try
        {
            var attachments = new AttachmentImport(blobs, uploads, report, dryRun);
            await new ImportRun(store, inbox, snapshot, tenantId, dryRun, report, attachments, progress).ImportAsync(ct);
        }
        catch (InvalidDataException e)
        {
            report.Fatal = $"the ZIP is damaged ({e.Message}); what was read before is imported, export again and re-run.";
        }
        return report;
    }
}
