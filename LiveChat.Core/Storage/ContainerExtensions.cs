using System.Net;
using LiveChat.Core.Errors;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Core.Storage;

/// <summary>A document whose writes can be conditioned on the version that was read (its _etag).</summary>
public interface IVersioned
{
    string? ETag { get; }
}

/// <summary>The few shapes of Cosmos call the use cases make; every one names its partition.</summary>
public static class ContainerExtensions
{
    /// <summary>Point read: one round trip; null when missing or when no document could have that id.</summary>
    public static async Task<T?> ReadOrNullAsync<T>(this Container container, string id, string partitionKey, CancellationToken ct)
        where T : class
    {
        if (!DocumentIds.CouldExist(id) || !DocumentIds.CouldExist(partitionKey)) return null;
        try
        {
            return (await container.ReadItemAsync<T>(id, new PartitionKey(partitionKey), cancellationToken: ct)).Resource;
        }
        catch (CosmosException e) when (StoreFailures.IsMissingItem(e))
        {
            return null;
        }
    }

    /// <summary>Query in one partition (or all when partitionKey is null), every page (of up to pageSize) up to maxItems.</summary>
    public static async Task<List<T>> QueryAsync<T>(this Container container, QueryDefinition query, string? partitionKey,
        CancellationToken ct, int maxItems = int.MaxValue, int pageSize = 1000)
    {
        var options = new QueryRequestOptions { MaxItemCount = Math.Min(maxItems, pageSize) };
        // In one partition the query needs no plan from the gateway: one round trip instead of two.
        if (partitionKey is not null) (options.PartitionKey, options.EnableOptimisticDirectExecution) = (new PartitionKey(partitionKey), true);
        var results = new List<T>();
        using var feed = container.GetItemQueryIterator<T>(query, requestOptions: options);
        while (feed.HasMoreResults && results.Count < maxItems)
            results.AddRange(await feed.ReadNextAsync(ct));
        return results.Count > maxItems ? results[..maxItems] : results;
    }

    /// <summary>Create; false when an item with the same id or unique key already exists.</summary>
    public static async Task<bool> TryCreateAsync<T>(this Container container, T item, string partitionKey, CancellationToken ct)
    {
        try
        {
            await container.CreateItemAsync(item, new PartitionKey(partitionKey), cancellationToken: ct);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>Replace only if nobody changed the item since it was read; false when somebody did.</summary>
    public static async Task<bool> TryReplaceIfUnchangedAsync<T>(this Container container, T item, string id, string partitionKey,
        string etag, CancellationToken ct)
    {
        try
        {
            await container.ReplaceItemAsync(item, id, new PartitionKey(partitionKey), new ItemRequestOptions { IfMatchEtag = etag }, ct);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || StoreFailures.IsMissingItem(e))
        {
            return false;
        }
    }

    /// <summary>
    /// Read-modify-write under the ETag. <paramref name="change"/> is given the current document and returns what to
    /// write (with ETag null), or null when nothing is to be written. When another writer got there first, the fresh
    /// document is judged again; after <paramref name="attempts"/> lost races the answer is 409 concurrent_update with
    /// Retry-After, never a guess. Returns the document as stored, or null when change wrote nothing or it is gone.
    /// </summary>
    public static async Task<T?> UpdateIfUnchangedAsync<T>(this Container container, T current, string id, string partitionKey,
        Func<T, T?> change, int attempts, CancellationToken ct) where T : class, IVersioned
    {
        for (var attempt = 1; ; attempt++)
        {
            if (change(current) is not { } changed) return null;
            try
            {
                return (await container.ReplaceItemAsync(changed, id, new PartitionKey(partitionKey),
                    new ItemRequestOptions { IfMatchEtag = current.ETag }, ct)).Resource;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                if (attempt >= attempts) throw ErrorCatalog.ConcurrentUpdate.Raise();
            }
            catch (CosmosException e) when (StoreFailures.IsMissingItem(e))
            {
                return null;
            }
            if (await container.ReadOrNullAsync<T>(id, partitionKey, ct) is not { } fresh) return null;
            current = fresh;
        }
    }

    /// <summary>
    /// Patch; null when the item is gone. With a <paramref name="filter"/> ("FROM c WHERE ...") the store applies it only
    /// while the item matches, and answers 412 otherwise.
    /// </summary>
    public static async Task<T?> PatchOrNullAsync<T>(this Container container, string id, string partitionKey,
        IReadOnlyList<PatchOperation> operations, CancellationToken ct, string? filter = null) where T : class
    {
        try
        {
            var options = filter is null ? null : new PatchItemRequestOptions { FilterPredicate = filter };
            return (await container.PatchItemAsync<T>(id, new PartitionKey(partitionKey), operations, options, ct)).Resource;
        }
        catch (CosmosException e) when (StoreFailures.IsMissingItem(e))
        {
            return null;
        }
    }
}
