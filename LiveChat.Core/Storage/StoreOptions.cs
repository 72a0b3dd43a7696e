namespace LiveChat.Core.Storage;

/// <summary>Section "Cosmos". A connection string (emulator, stand-in, key) or an endpoint with managed identity.</summary>
public sealed class StoreOptions
{
    public string? ConnectionString { get; set; }
    public string? Endpoint { get; set; }
    public string Database { get; set; } = "livechat";
    /// <summary>Local stand-ins only: trust their self-signed certificate and talk to the given endpoint alone.</summary>
    public bool AcceptSelfSignedCertificate { get; set; }
    /// <summary>Create the database and containers at startup when missing (off when Bicep owns them).</summary>
    public bool CreateIfMissing { get; set; } = true;
    /// <summary>One Cosmos request's timeout; with at most two throttling retries it stays under the request deadline.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(4);
}
