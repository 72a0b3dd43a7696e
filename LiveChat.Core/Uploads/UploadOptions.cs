namespace LiveChat.Core.Uploads;

/// <summary>
/// Section "Blob". ConnectionString (Azurite, or an account key) signs SAS with the key; ServiceUri alone uses the
/// managed identity and user-delegation SAS, so no account key is needed in production.
/// </summary>
public sealed class UploadOptions
{
    public string? ConnectionString { get; set; }
    public string? ServiceUri { get; set; }
    public string Container { get; set; } = "uploads";
    /// <summary>Local stand-ins only (Azurite over HTTPS with its own certificate): trust a self-signed certificate.</summary>
    public bool AcceptSelfSignedCertificate { get; set; }
    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>
    /// How long after its upload a blob can still be attached to a message. An upload no message attached is deleted
    /// by the sweep five minutes after that (orphan cleanup), so this must outlast the upload URL.
    /// </summary>
    public TimeSpan AttachWithin { get; set; } = TimeSpan.FromMinutes(30);
    public TimeSpan ReadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);
    public long MaxFileSize { get; set; } = 10 * 1024 * 1024;
    /// <summary>
    /// Local stand-ins only: origins (comma-separated, or *) whose pages may PUT uploads and read attachments; the
    /// worker writes them as the blob service's CORS rules at start. Empty: the rules are left alone (in Azure the
    /// template sets them).
    /// </summary>
    public string? CorsOrigins { get; set; }
}
