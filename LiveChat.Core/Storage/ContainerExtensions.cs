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
    /// <summary>The partition key of a query over every partition of its container.</summary>
    public static readonly PartitionKey? AllPartitions = null;

    /// <summary>Point read: one round trip; null when missing or when no document could have that id.</summary>
    public static Task<T?> ReadOrNullAsync<T>(this Container container, string id, string partitionKey, CancellationToken ct)
        where T : class =>
        DocumentIds.CouldExist(partitionKey) ? container.ReadOrNullAsync<T>(id, new PartitionKey(partitionKey), ct) : Task.FromResult<T?>(null);

    public static async Task<T?> ReadOrNullAsync<T>(this Container container, string id, PartitionKey partitionKey, CancellationToken ct)
        where T : class
    {
        if (!DocumentIds.CouldExist(id)) return null;
        try
        {
            return (await container.ReadItemAsync<T>(id, partitionKey, cancellationToken: ct)).Resource;
        }
        catch (CosmosException e) when (StoreFailures.IsMissingItem(e))
        {
            return null;
        }
    }

    public static Task<List<T>> QueryAsync<T>(this Container container, QueryDefinition query, string partitionKey,
        CancellationToken ct, int maxItems = int.MaxValue, int pageSize = 1000) =>
        container.QueryAsync<T>(query, new PartitionKey(partitionKey), ct, maxItems, pageSize);

    /// <summary>
    /// Query in one logical partition, in a key prefix's partitions (a hierarchical key's first levels), or in all
    /// (<see cref="AllPartitions"/>), every page (of up to pageSize) up to maxItems.
    /// </summary>
    public static async Task<List<T>> QueryAsync<T>(this Container container, QueryDefinition query, PartitionKey? partitionKey,
        CancellationToken ct, int maxItems = int.MaxValue, int pageSize = 1000)
    {
        var options = new QueryRequestOptions { MaxItemCount = Math.Min(maxItems, pageSize), PartitionKey = partitionKey };
        // In one partition the query needs no plan from the gateway: one round trip instead of two.
        options.EnableOptimisticDirectExecution = partitionKey is not null;
        var results = new List<T>();
        using var feed = container.GetItemQueryIterator<T>(query, requestOptions: options);
        while (feed.HasMoreResults && results.Count < maxItems)
            results.AddRange(await feed.ReadNextAsync(ct));
        return results.Count > maxItems ? results[..maxItems] : results;
    }

    /// <summary>
    /// Bulk lookup by id across partitions of a container partitioned by id: one query per 500 ids, not one read per
    /// id. <paramref name="select"/> is the query up to its WHERE ("SELECT c.id, c.x FROM c").
    /// </summary>
    public static async Task<List<T>> LookupByIdsAsync<T>(this Container container, string select, IEnumerable<string> ids, CancellationToken ct)
    {
        var results = new List<T>();
        foreach (var chunk in ids.Distinct().Chunk(500))
            results.AddRange(await container.QueryAsync<T>(
                new QueryDefinition($"{select} WHERE ARRAY_CONTAINS(@ids, c.id)").WithParameter("@ids", chunk), AllPartitions, ct));
        return results;
    }

    /// <summary>Create; false when an item with the same id or unique key already exists.</summary>
    public static Task<bool> TryCreateAsync<T>(this Container container, T item, string partitionKey, CancellationToken ct) =>
        container.TryCreateAsync(item, new PartitionKey(partitionKey), ct);

    public static async Task<bool> TryCreateAsync<T>(this Container container, T item, PartitionKey partitionKey, CancellationToken ct) =>
        await container.CreateOrNullAsync(item, partitionKey, ct) is not null;

    /// <summary>Create; the item as stored (with its ETag), or null when an item with the same id or unique key already exists.</summary>
    public static async Task<T?> CreateOrNullAsync<T>(this Container container, T item, PartitionKey partitionKey, CancellationToken ct)
    {
        try
        {
            return (await container.CreateItemAsync(item, partitionKey, cancellationToken: ct)).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return default;
        }
    }

    /// <summary>Delete; an item that is already gone is not an error.</summary>
    public static async Task DeleteIfPresentAsync<T>(this Container container, string id, string partitionKey, CancellationToken ct)
    {
        try
        {
            await container.DeleteItemAsync<T>(id, new PartitionKey(partitionKey), cancellationToken: ct);
        }
        catch (CosmosException e) when (StoreFailures.IsMissingItem(e))
        {
        }
    }

    /// <summary>Replace only if nobody changed the item since it was read; false when somebody did.</summary>
    public static Task<bool> TryReplaceIfUnchangedAsync<T>(this Container container, T item, string id, string partitionKey,
        string etag, CancellationToken ct) =>
        container.TryReplaceIfUnchangedAsync(item, id, new PartitionKey(partitionKey), etag, ct);

    public static async Task<bool> TryReplaceIfUnchangedAsync<T>(this Container container, T item, string id, PartitionKey partitionKey,
        string etag, CancellationToken ct)
    {
        try
        {
            await container.ReplaceItemAsync(item, id, partitionKey, new ItemRequestOptions { IfMatchEtag = etag }, ct);
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
    public static Task<T?> UpdateIfUnchangedAsync<T>(this Container container, T current, string id, string partitionKey,
        Func<T, T?> change, int attempts, CancellationToken ct) where T : class, IVersioned =>
        container.UpdateIfUnchangedAsync(current, id, new PartitionKey(partitionKey), change, attempts, ct);

    public static async Task<T?> UpdateIfUnchangedAsync<T>(this Container container, T current, string id, PartitionKey partitionKey,
        Func<T, T?> change, int attempts, CancellationToken ct) where T : class, IVersioned
    {
        for (var attempt = 1; ; attempt++)
        {
            if (change(current) is not { } changed) return null;
            try
            {
                return (await container.ReplaceItemAsync(changed, id, partitionKey,
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
    public static Task<T?> PatchOrNullAsync<T>(this Container container, string id, string partitionKey,
        IReadOnlyList<PatchOperation> operations, CancellationToken ct, string? filter = null) where T : class =>
        container.PatchOrNullAsync<T>(id, new PartitionKey(partitionKey), operations, ct, filter);

    public static async Task<T?> PatchOrNullAsync<T>(this Container container, string id, PartitionKey partitionKey,
        IReadOnlyList<PatchOperation> operations, CancellationToken ct, string? filter = null) where T : class
    {
        try
        {
            var options = filter is null ? null : new PatchItemRequestOptions { FilterPredicate = filter };
            return (await container.PatchItemAsync<T>(id, partitionKey, operations, options, ct)).Resource;
        }
        catch (CosmosException e) when (StoreFailures.IsMissingItem(e))
        {
            return null;
        }
    }
}
