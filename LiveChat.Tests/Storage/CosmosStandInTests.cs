using System.Net;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Storage;

/// <summary>The gaps local/cosmos/server.js fixes for the .NET SDK (DESIGN §2), checked through the SDK itself.</summary>
public sealed class CosmosStandInTests(CoreApp app) : IClassFixture<CoreApp>
{
    static UserDocument User(string id) => new() { Id = id, TenantId = "feed", Role = "AGENT", Name = id };

    [Fact]
    public async Task Reading_a_missing_item_is_404()
    {
        var e = await Assert.ThrowsAsync<CosmosException>(() => app.Store.Users.ReadItemAsync<UserDocument>("missing", new PartitionKey("missing")));
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Cross_partition_order_by_and_count_work()
    {
        foreach (var name in new[] { "q-b", "q-a", "q-c" })
            await app.Store.Users.UpsertItemAsync(User(name) with { TenantId = "order" }, new PartitionKey(name));
        var ordered = await app.Store.Users.QueryAsync<string>(
            new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.tenantId = 'order' ORDER BY c.id DESC"), ContainerExtensions.AllPartitions, default);
        Assert.Equal(["q-c", "q-b", "q-a"], ordered);
        var count = await app.Store.Users.QueryAsync<int>(new QueryDefinition("SELECT VALUE COUNT(1) FROM c WHERE c.tenantId = 'order'"), ContainerExtensions.AllPartitions, default);
        Assert.Equal(3, count.Single());
    }

    [Fact]
    public async Task A_query_that_names_a_partition_runs_over_that_partition_only_as_in_Cosmos()
    {
        var messages = app.Store.Messages;
        foreach (var (id, ticket) in new[] { ("m-1", "pk-a"), ("m-2", "pk-b"), ("m-3", "pk-a") })
            await messages.UpsertItemAsync(new { id, ticketId = ticket, createdAt = 1 }, new PartitionKey(ticket));
        await messages.UpsertItemAsync(new { id = "m-3", ticketId = "pk-a", createdAt = 2 }, new PartitionKey("pk-a"));
        await messages.DeleteItemAsync<object>("m-1", new PartitionKey("pk-a"));
        await messages.UpsertItemAsync(new { id = "m-1", ticketId = "pk-b", createdAt = 3 }, new PartitionKey("pk-b"));

        // No filter on the partition key in the text: only the request's partition decides (a real container does the same).
        var inA = await messages.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c ORDER BY c.createdAt"), "pk-a", default);
        var inB = await messages.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c ORDER BY c.createdAt"), "pk-b", default);
        Assert.Equal(["m-3"], inA);
        Assert.Equal(["m-2", "m-1"], inB);
        Assert.Empty(await messages.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c"), "pk-none", default));
    }

    [Fact]
    public async Task A_bulk_lookup_by_id_finds_exactly_the_named_items()
    {
        foreach (var name in new[] { "bulk-1", "bulk-2", "bulk-3" })
            await app.Store.Users.UpsertItemAsync(User(name), new PartitionKey(name));
        var found = await app.Store.Users.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c WHERE ARRAY_CONTAINS(@ids, c.id)")
            .WithParameter("@ids", new[] { "bulk-3", "bulk-1", "bulk-missing" }), ContainerExtensions.AllPartitions, default);
        Assert.Equal(["bulk-1", "bulk-3"], found.Order());
        var either = await app.Store.Users.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c WHERE ARRAY_CONTAINS(@ids, c.id) OR c.id = 'bulk-2'")
            .WithParameter("@ids", new[] { "bulk-1" }), ContainerExtensions.AllPartitions, default);
        Assert.Equal(["bulk-1", "bulk-2"], either.Order());
    }

    [Fact]
    public async Task Time_to_live_deletes_expired_items_as_Cosmos_documents_it()
    {
        var database = app.Store.Users.Database;
        var off = (await database.CreateContainerIfNotExistsAsync(new ContainerProperties("ttl-off", "/id"))).Container;
        var onWithoutDefault = (await database.CreateContainerIfNotExistsAsync(new ContainerProperties("ttl-on", "/id") { DefaultTimeToLive = -1 })).Container;
        var defaulted = (await database.CreateContainerIfNotExistsAsync(new ContainerProperties("ttl-2s", "/id") { DefaultTimeToLive = 2 })).Container;
        async Task PutAsync(Container c, string id, int? ttl) => await c.UpsertItemAsync(new { id, ttl }, new PartitionKey(id));
        await PutAsync(off, "ignored", 1);                  // time to live is off in this container: the item's ttl is ignored
        await PutAsync(onWithoutDefault, "own-ttl", 1);     // on, no default: only items with a ttl expire
        await PutAsync(onWithoutDefault, "no-ttl", null);
        await PutAsync(defaulted, "by-default", null);      // the container's 2 s
        await PutAsync(defaulted, "never", -1);             // an item's -1 overrides the default

        async Task<bool> ExistsAsync(Container c, string id) => await c.ReadOrNullAsync<object>(id, id, default) is not null;
        Assert.True(await Poll.UntilAsync(async () => !await ExistsAsync(onWithoutDefault, "own-ttl") && !await ExistsAsync(defaulted, "by-default"), 10_000),
            "an item past its time to live was kept");
        Assert.True(await ExistsAsync(off, "ignored"));
        Assert.True(await ExistsAsync(onWithoutDefault, "no-ttl"));
        Assert.True(await ExistsAsync(defaulted, "never"));
    }

    [Fact]
    public async Task The_change_feed_returns_later_changes_from_its_continuation()
    {
        var container = app.Store.Users;
        await container.UpsertItemAsync(User("feed-1"), new PartitionKey("feed-1"));

        var (seen, continuation) = await DrainAsync(container.GetChangeFeedIterator<UserDocument>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion));
        Assert.Contains("feed-1", seen);

        await container.UpsertItemAsync(User("feed-2"), new PartitionKey("feed-2"));
        await container.UpsertItemAsync(User("feed-1") with { Name = "renamed" }, new PartitionKey("feed-1"));
        var (later, next) = await DrainAsync(container.GetChangeFeedIterator<UserDocument>(ChangeFeedStartFrom.ContinuationToken(continuation), ChangeFeedMode.LatestVersion));
        Assert.Equal(["feed-2", "feed-1"], later);

        var (nothing, _) = await DrainAsync(container.GetChangeFeedIterator<UserDocument>(ChangeFeedStartFrom.ContinuationToken(next), ChangeFeedMode.LatestVersion));
        Assert.Empty(nothing);
    }

    [Fact]
    public async Task A_patch_with_a_filter_predicate_applies_only_while_the_item_matches_and_is_412_otherwise()
    {
        var messages = app.Store.Messages;
        await messages.UpsertItemAsync(new { id = "p-1", ticketId = "pk-patch", unreadByMachine = 2 }, new PartitionKey("pk-patch"));
        PatchOperation[] lower = [PatchOperation.Increment("/unreadByMachine", -2)];

        // Property names keep their case, as in Cosmos DB: the predicate is not lower-cased before it is evaluated.
        var lowered = await messages.PatchItemAsync<System.Text.Json.JsonElement>("p-1", new PartitionKey("pk-patch"), lower,
            new PatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.unreadByMachine >= 2" });
        Assert.Equal(0, lowered.Resource.GetProperty("unreadByMachine").GetInt32());

        var refused = await Assert.ThrowsAsync<CosmosException>(() => messages.PatchItemAsync<System.Text.Json.JsonElement>("p-1",
            new PartitionKey("pk-patch"), lower, new PatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.unreadByMachine >= 2" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        var stored = await messages.ReadItemAsync<System.Text.Json.JsonElement>("p-1", new PartitionKey("pk-patch"));
        Assert.Equal(0, stored.Resource.GetProperty("unreadByMachine").GetInt32());
    }

    static PartitionKey Key(params string[] values)
    {
        var key = new PartitionKeyBuilder();
        foreach (var value in values) key.Add(value);
        return key.Build();
    }

    [Fact]
    public async Task A_hierarchical_key_tells_apart_items_with_one_id_in_two_partitions_and_scopes_unique_keys_to_the_whole_key()
    {
        var sessions = app.Store.Sessions; // [/tenantId, /machineId], unique /activeKey
        var run = Guid.NewGuid().ToString("N")[..8];
        await sessions.CreateItemAsync(new { id = "s", tenantId = $"h-{run}", machineId = "m1", activeKey = "k", v = 1 }, Key($"h-{run}", "m1"));
        await sessions.CreateItemAsync(new { id = "s", tenantId = $"h-{run}", machineId = "m2", activeKey = "k", v = 2 }, Key($"h-{run}", "m2"));

        var first = await sessions.ReadItemAsync<System.Text.Json.JsonElement>("s", Key($"h-{run}", "m1"));
        var second = await sessions.ReadItemAsync<System.Text.Json.JsonElement>("s", Key($"h-{run}", "m2"));
        Assert.Equal((1, 2), (first.Resource.GetProperty("v").GetInt32(), second.Resource.GetProperty("v").GetInt32()));
        var missing = await Assert.ThrowsAsync<CosmosException>(() => sessions.ReadItemAsync<object>("s", Key($"h-{run}", "m3")));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var duplicate = await Assert.ThrowsAsync<CosmosException>(() =>
            sessions.CreateItemAsync(new { id = "s2", tenantId = $"h-{run}", machineId = "m1", activeKey = "k" }, Key($"h-{run}", "m1")));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task A_query_by_a_key_prefix_reads_that_prefix_only_and_a_full_key_one_partition()
    {
        var sessions = app.Store.Sessions;
        var run = Guid.NewGuid().ToString("N")[..8];
        foreach (var (id, tenant, machine) in new[] { ("a", "t1", "m1"), ("b", "t1", "m2"), ("c", "t2", "m1"), ("d", "t10", "m1") })
            await sessions.CreateItemAsync(new { id, tenantId = $"{tenant}-{run}", machineId = machine, activeKey = id }, Key($"{tenant}-{run}", machine));

        // No filter in the text: the key alone scopes the query, as in Cosmos DB (the SDK sends a prefix as a range of
        // effective partition keys, computed here as the SDK does).
        var all = new QueryDefinition("SELECT VALUE c.id FROM c");
        Assert.Equal(["a", "b"], (await sessions.QueryAsync<string>(all, Key($"t1-{run}"), default)).Order());
        Assert.Equal(["c"], await sessions.QueryAsync<string>(all, Key($"t2-{run}"), default));
        Assert.Equal(["b"], await sessions.QueryAsync<string>(all, Key($"t1-{run}", "m2"), default));
        Assert.Empty(await sessions.QueryAsync<string>(all, Key($"t3-{run}"), default));
        var ordered = await sessions.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c ORDER BY c.id DESC"), Key($"t1-{run}"), default);
        Assert.Equal(["b", "a"], ordered);
    }

    [Fact]
    public async Task A_patch_with_a_filter_in_a_hierarchical_partition_sees_only_that_partitions_item()
    {
        var sessions = app.Store.Sessions;
        var run = Guid.NewGuid().ToString("N")[..8];
        await sessions.CreateItemAsync(new { id = "p", tenantId = run, machineId = "m1", activeKey = "k", n = 1 }, Key(run, "m1"));
        await sessions.CreateItemAsync(new { id = "p", tenantId = run, machineId = "m2", activeKey = "k", n = 5 }, Key(run, "m2"));
        PatchOperation[] raise = [PatchOperation.Increment("/n", 1)];

        var refused = await Assert.ThrowsAsync<CosmosException>(() => sessions.PatchItemAsync<object>("p", Key(run, "m1"), raise,
            new PatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.n >= 5" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        var raised = await sessions.PatchItemAsync<System.Text.Json.JsonElement>("p", Key(run, "m2"), raise,
            new PatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.n >= 5" });
        Assert.Equal(6, raised.Resource.GetProperty("n").GetInt32());
    }

    static async Task<(List<string> Ids, string Continuation)> DrainAsync(FeedIterator<UserDocument> feed)
    {
        var ids = new List<string>();
        while (true)
        {
            var page = await feed.ReadNextAsync();
            if (page.StatusCode == HttpStatusCode.NotModified) return (ids, page.ContinuationToken);
            ids.AddRange(page.Select(u => u.Id));
        }
    }
}
