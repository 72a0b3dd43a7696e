using LiveChat.Core.Chat;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Chat;

public sealed class ConcurrencyTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    [Fact]
    public async Task Twenty_parallel_starts_create_one_session_and_all_callers_get_its_id()
    {
        var chat = await app.ChatAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => chat.Agent.PostAsync($"/api/tickets/{chat.TicketId}/chat/session", null)));
        var bodies = await Task.WhenAll(responses.Select(r => r.OkJsonAsync((int)r.StatusCode)));

        Assert.Single(bodies.Select(b => b.GetProperty("sessionId").GetString()).Distinct());
        Assert.Single(bodies, b => b.GetProperty("isNew").GetBoolean());
        Assert.Single(await SessionsOfTicketAsync(chat));
    }

    [Fact]
    public async Task Two_hundred_parallel_posts_from_both_sides_are_all_stored_and_counted_exactly()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var posts = Enumerable.Range(0, 200).Select(i => i % 2 == 0
            ? chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = $"agente {i}" })
            : chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = $"máquina {i}" }));
        Assert.All(await Task.WhenAll(posts), r => Assert.Equal(201, (int)r.StatusCode));

        var session = (await app.Store.Sessions.ReadItemAsync<SessionDocument>(sessionId, new PartitionKey(chat.MachineId))).Resource;
        Assert.Equal((100L, 100L), (session.UnreadByAgent, session.UnreadByMachine));
        var count = await app.Store.Messages.GetItemQueryIterator<int>(
            new QueryDefinition("SELECT VALUE COUNT(1) FROM c WHERE c.ticketId = @t").WithParameter("@t", chat.TicketId),
            requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(chat.TicketId) }).ReadNextAsync();
        Assert.Equal(200, count.Single());
    }

    [Fact]
    public async Task Retried_client_message_id_stores_one_message()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var retries = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "só uma vez", clientMessageId = "retry-1" })));

        Assert.Single(retries, r => (int)r.StatusCode == 201);
        Assert.All(retries, r => Assert.True((int)r.StatusCode is 200 or 201));
        var ids = await Task.WhenAll(retries.Select(async r => (await r.JsonAsync()).GetProperty("messageId").GetString()));
        Assert.Single(ids.Distinct());

        var list = await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages")).OkJsonAsync();
        Assert.Single(list.GetProperty("messages").EnumerateArray());
        Assert.Equal(1, list.GetProperty("unreadCount").GetInt64());
        var session = (await app.Store.Sessions.ReadItemAsync<SessionDocument>(sessionId, new PartitionKey(chat.MachineId))).Resource;
        Assert.Equal(1, session.UnreadByAgent);
    }

    async Task<List<SessionDocument>> SessionsOfTicketAsync(ChatScenario chat)
    {
        var result = new List<SessionDocument>();
        using var feed = app.Store.Sessions.GetItemQueryIterator<SessionDocument>(
            new QueryDefinition("SELECT * FROM c WHERE c.machineId = @m AND c.ticketId = @t").WithParameter("@m", chat.MachineId).WithParameter("@t", chat.TicketId),
            requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(chat.MachineId) });
        while (feed.HasMoreResults) result.AddRange(await feed.ReadNextAsync());
        return result;
    }
}
