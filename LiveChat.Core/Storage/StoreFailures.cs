using System.Net.Sockets;
using Azure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Core.Storage;

/// <summary>Failures of Cosmos DB or Blob Storage that say "unavailable now, retry later", never "your request is wrong".</summary>
public static class StoreFailures
{
    static readonly HashSet<int> TransientStatuses = [408, 429, 449, 500, 502, 503, 504];

    public static bool IsTransient(Exception e) => e switch
    {
        CosmosException cosmos => TransientStatuses.Contains((int)cosmos.StatusCode) || IsLostStore(cosmos) || Inner(e),
        // Status 0: the blob service was never reached (refused, reset, timed out).
        RequestFailedException blob => blob.Status == 0 || TransientStatuses.Contains(blob.Status) || Inner(e),
        HttpRequestException or SocketException or TimeoutException or IOException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsTransient),
        _ => Inner(e),
    };

    /// <summary>
    /// Cosmos DB's answer to a call on a database or container that does not exist (404, substatus 1003 "owner
    /// resource does not exist"): the store lost them (recreated empty, deleted), which is no "item not found".
    /// </summary>
    public static bool IsLostStore(Exception e) => e is CosmosException { StatusCode: System.Net.HttpStatusCode.NotFound, SubStatusCode: OwnerResourceNotFound };

    /// <summary>A 404 that means the item is not there (and its container is).</summary>
    public static bool IsMissingItem(CosmosException e) => e.StatusCode == System.Net.HttpStatusCode.NotFound && e.SubStatusCode != OwnerResourceNotFound;

    const int OwnerResourceNotFound = 1003;

    static bool Inner(Exception e) => e.InnerException is { } inner && IsTransient(inner);

    /// <summary>The wait a throttled store asked for, else one second.</summary>
    public static TimeSpan RetryAfter(Exception e) =>
        e is CosmosException { RetryAfter: { } wait } && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
}
