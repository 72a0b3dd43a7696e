using LiveChat.Core.Chat;
using LiveChat.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Infrastructure;

public static class StoreReads
{
    /// <summary>A session as stored, found by its id alone (tests know the id, not always the tenant of its key).</summary>
    public static async Task<SessionDocument> SessionAsync(this CosmosStore store, string sessionId) =>
        (await store.Sessions.QueryAsync<SessionDocument>(new QueryDefinition("SELECT * FROM c WHERE c.id = @id").WithParameter("@id", sessionId),
            ContainerExtensions.AllPartitions, default)).Single();
}
