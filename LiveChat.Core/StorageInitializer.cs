using LiveChat.Core.Storage;
using LiveChat.Core.Uploads;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LiveChat.Core;

/// <summary>
/// Creates the Cosmos database, containers and the uploads container when missing, in the background and until it
/// succeeds: a store that is down at start must not stop the worker, which answers 503 meanwhile. A store found to
/// have lost them later (restarted empty, deleted) is rebuilt the same way, once at a time (Cosmos:CreateIfMissing).
/// </summary>
public sealed class StorageInitializer(CosmosStore store, BlobStore blobs, Webhooks.WebhookQueue webhooks, ILogger<StorageInitializer> log) : BackgroundService
{
    int _rebuilding;
    CancellationToken _stopping;

    public async Task CreateAsync(CancellationToken ct)
    {
        await store.EnsureCreatedAsync(ct);
        await blobs.EnsureCreatedAsync(ct);
        await webhooks.EnsureCreatedAsync(ct);
    }

    /// <summary>The store answered that a database or container does not exist: create what is missing, in the background.</summary>
    public void StoreLost()
    {
        if (Interlocked.CompareExchange(ref _rebuilding, 1, 0) != 0) return;
        log.LogWarning("The store has lost its database or containers; creating them again");
        _ = Task.Run(async () =>
        {
            try { await CreateUntilDoneAsync(_stopping); }
            finally { Volatile.Write(ref _rebuilding, 0); }
        });
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        return CreateUntilDoneAsync(stoppingToken);
    }

    async Task CreateUntilDoneAsync(CancellationToken stoppingToken)
    {
        for (var wait = TimeSpan.FromSeconds(1); !stoppingToken.IsCancellationRequested; wait = TimeSpan.FromSeconds(Math.Min(30, wait.TotalSeconds * 2)))
        {
            try
            {
                await CreateAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (StoreFailures.IsTransient(e) || e is OperationCanceledException && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("Creating the store's containers failed ({Error}); retrying in {Wait}", e.GetType().Name, wait);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try { await Task.Delay(wait, stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }
}
