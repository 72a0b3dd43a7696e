using Microsoft.Azure.Cosmos;

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
    /// <summary>
    /// Unset: Direct (TCP to the replicas, the SDK's low-latency default) in Azure, Gateway when the store is a local
    /// stand-in or emulator (AcceptSelfSignedCertificate), which only speak HTTP.
    /// </summary>
    public ConnectionMode? ConnectionMode { get; set; }

    public ConnectionMode EffectiveConnectionMode =>
        ConnectionMode ?? (AcceptSelfSignedCertificate ? Microsoft.Azure.Cosmos.ConnectionMode.Gateway : Microsoft.Azure.Cosmos.ConnectionMode.Direct);
}
