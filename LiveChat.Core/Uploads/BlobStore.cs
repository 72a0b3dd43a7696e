using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Uploads;

/// <summary>The uploads container: blob properties, deletes, and SAS URLs scoped to one blob.</summary>
public sealed class BlobStore
{
    readonly BlobServiceClient _service;
    readonly BlobContainerClient _container;
    readonly TimeProvider _time;
    readonly SemaphoreSlim _keyLock = new(1, 1);
    readonly string? _corsOrigins;
    UserDelegationKey? _delegationKey;

    public BlobStore(IOptions<UploadOptions> options, TimeProvider time, TokenCredential identity)
    {
        var o = options.Value;
        _time = time;
        // Bounded like the Cosmos client, so a stalled blob service fails within the request deadline.
        var clientOptions = new BlobClientOptions
        {
            Retry = { MaxRetries = 1, NetworkTimeout = TimeSpan.FromSeconds(3), Delay = TimeSpan.FromMilliseconds(200) },
        };
        if (o.AcceptSelfSignedCertificate)
            clientOptions.Transport = new HttpClientTransport(new HttpClient(new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            }));
        _service = !string.IsNullOrWhiteSpace(o.ConnectionString)
            ? new BlobServiceClient(o.ConnectionString, clientOptions)
            : new BlobServiceClient(new Uri(o.ServiceUri ?? throw new InvalidOperationException("Set Blob:ConnectionString or Blob:ServiceUri.")),
                identity, clientOptions);
        _container = _service.GetBlobContainerClient(o.Container);
        _corsOrigins = string.IsNullOrWhiteSpace(o.CorsOrigins) ? null : o.CorsOrigins.Trim();
    }

    /// <summary>The blob service's base URL (SAS URLs point there).</summary>
    public Uri ServiceUri => _service.Uri;

    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        await _container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
        if (_corsOrigins is null) return;
        // As infra/modules/storage.bicep sets them in Azure: a page may PUT an upload and GET an attachment.
        var properties = (await _service.GetPropertiesAsync(ct)).Value;
        properties.Cors = [new BlobCorsRule
        {
            AllowedOrigins = _corsOrigins, AllowedMethods = "PUT,GET,HEAD",
            AllowedHeaders = "content-type,x-ms-blob-type,if-none-match,x-ms-version,x-ms-date", ExposedHeaders = "etag", MaxAgeInSeconds = 600,
        }];
        await _service.SetPropertiesAsync(properties, ct);
    }

    public async Task<BlobProperties?> PropertiesOrNullAsync(string blobName, CancellationToken ct)
    {
        try
        {
            return (await _container.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: ct)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The blob's first bytes (fewer if it is shorter).</summary>
    public async Task<byte[]> ReadHeadAsync(string blobName, int count, CancellationToken ct)
    {
        var download = await _container.GetBlobClient(blobName).DownloadContentAsync(
            new BlobDownloadOptions { Range = new HttpRange(0, count) }, ct);
        return download.Value.Content.ToArray();
    }

    const string AttachedKey = "attached";

    public static bool IsMarkedAttached(BlobProperties properties) => properties.Metadata.ContainsKey(AttachedKey);

    public Task MarkAttachedAsync(string blobName, CancellationToken ct) =>
        _container.GetBlobClient(blobName).SetMetadataAsync(new Dictionary<string, string> { [AttachedKey] = "true" }, cancellationToken: ct);

    /// <summary>
    /// Deletes the blobs under <paramref name="prefix"/> uploaded before <paramref name="cutoff"/> and never marked
    /// attached; each delete is conditioned on the listed ETag, so a blob marked since the listing stays.
    /// </summary>
    public async Task<int> DeleteUnattachedAsync(string prefix, DateTimeOffset cutoff, CancellationToken ct)
    {
        var deleted = 0;
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, ct))
        {
            if (blob.Metadata.ContainsKey(AttachedKey) || blob.Properties.CreatedOn >= cutoff) continue;
            try
            {
                await _container.GetBlobClient(blob.Name).DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots,
                    new BlobRequestConditions { IfMatch = blob.Properties.ETag }, ct);
                deleted++;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // gone already, or marked attached since the listing
            }
        }
        return deleted;
    }

    /// <summary>Creates the blob already marked attached, unless one by that name exists; true when it was created.</summary>
    public async Task<bool> CreateAttachedAsync(string blobName, Stream content, string contentType, CancellationToken ct)
    {
        try
        {
            await _container.GetBlobClient(blobName).UploadAsync(content, new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Metadata = new Dictionary<string, string> { [AttachedKey] = "true" },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public Task DeleteAsync(string blobName, CancellationToken ct) =>
        _container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: ct);

    /// <summary>A URL that can only create this one blob (not read, list or overwrite), until it expires.</summary>
    public Task<Uri> CreateOnlyUrlAsync(string blobName, TimeSpan lifetime, CancellationToken ct) =>
        SignAsync(blobName, BlobSasPermissions.Create, lifetime, ct);

    /// <summary>A URL that can only read this one blob, until it expires.</summary>
    public Task<Uri> ReadOnlyUrlAsync(string blobName, TimeSpan lifetime, CancellationToken ct) =>
        SignAsync(blobName, BlobSasPermissions.Read, lifetime, ct);

    async Task<Uri> SignAsync(string blobName, BlobSasPermissions permissions, TimeSpan lifetime, CancellationToken ct)
    {
        var blob = _container.GetBlobClient(blobName);
        var now = _time.GetUtcNow();
        var sas = new BlobSasBuilder
        {
            BlobContainerName = _container.Name,
            BlobName = blobName,
            Resource = "b",
            StartsOn = now.AddMinutes(-1),
            ExpiresOn = now + lifetime,
            Protocol = blob.Uri.Scheme == "https" ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        sas.SetPermissions(permissions);
        if (blob.CanGenerateSasUri) return blob.GenerateSasUri(sas);

        var key = await DelegationKeyAsync(now, ct);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, _service.AccountName) }.ToUri();
    }

    /// <summary>Managed identity: a user-delegation key, fetched once and reused until an hour before it expires.</summary>
    async Task<UserDelegationKey> DelegationKeyAsync(DateTimeOffset now, CancellationToken ct)
    {
        await _keyLock.WaitAsync(ct);
        try
        {
            if (_delegationKey is null || _delegationKey.SignedExpiresOn < now.AddHours(1))
                _delegationKey = (await _service.GetUserDelegationKeyAsync(now.AddMinutes(-5), now.AddHours(6), ct)).Value;
            return _delegationKey;
        }
        finally
        {
            _keyLock.Release();
        }
    }
}
