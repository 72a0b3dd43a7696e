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

        var session = (await app.Store.SessionAsync(sessionId));
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
        var session = (await app.Store.SessionAsync(sessionId));
        Assert.Equal(1, session.UnreadByAgent);
    }

    [Fact]
    public async Task A_client_message_id_belongs_to_its_author_and_session()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var (_, otherAgent) = await chat.Tenant.UserAsync();
        var agentPost = $"/api/tickets/{chat.TicketId}/chat/messages";
        var machinePost = $"/api/machine/tickets/{chat.TicketId}/chat/messages";

        var first = await (await chat.Agent.PostJsonAsync(agentPost, new { body = "primeira", clientMessageId = "k-1" })).OkJsonAsync(201);
        var retry = await (await chat.Agent.PostJsonAsync(agentPost, new { body = "primeira", clientMessageId = "k-1" })).OkJsonAsync(200);
        Assert.Equal(first.GetProperty("messageId").GetString(), retry.GetProperty("messageId").GetString());
        await (await chat.Agent.PostJsonAsync(agentPost, new { body = "outra coisa", clientMessageId = "k-1" })).AssertProblemAsync(409, "idempotency_key_reused");

        var byOtherAgent = await (await otherAgent.PostJsonAsync(agentPost, new { body = "do colega", clientMessageId = "k-1" })).OkJsonAsync(201);
        var byMachine = await (await chat.Machine.PostJsonAsync(machinePost, new { body = "da máquina", clientMessageId = "k-1" })).OkJsonAsync(201);
        var session = await (await chat.Agent.PostAsync($"/api/tickets/{chat.TicketId}/chat/session", null)).OkJsonAsync(200);
        (await chat.Agent.PostAsync($"/api/chat/sessions/{session.GetProperty("sessionId").GetString()}/end", null)).EnsureSuccessStatusCode();
        await chat.StartSessionAsync();
        var inLaterSession = await (await chat.Machine.PostJsonAsync(machinePost, new { body = "da máquina", clientMessageId = "k-1" })).OkJsonAsync(201);

        var ids = new[] { first, byOtherAgent, byMachine, inLaterSession }.Select(m => m.GetProperty("messageId").GetString()).ToList();
        Assert.Equal(4, ids.Distinct().Count());
        var history = await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/history")).OkJsonAsync();
        Assert.Equal(4, history.GetProperty("totalMessages").GetInt32());
    }

    [Fact]
    public async Task Marking_read_lowers_the_counter_by_what_it_marked_so_a_later_message_stays_unread()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var agentPost = $"/api/tickets/{chat.TicketId}/chat/messages";
        var one = await (await chat.Agent.PostJsonAsync(agentPost, new { body = "um" })).OkJsonAsync(201);
        var listed = await (await chat.Machine.GetAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages")).OkJsonAsync();
        Assert.Equal(1, listed.GetProperty("unreadCount").GetInt64());
        await chat.Agent.PostJsonAsync(agentPost, new { body = "dois, depois da listagem" });

        var read = await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/read",
            new { messageIds = new[] { one.GetProperty("messageId").GetString() } })).OkJsonAsync();
        Assert.Equal(1, read.GetProperty("processed").GetInt32());
        var updates = await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync();
        Assert.Equal(1, updates.GetProperty("totalUnread").GetInt64());

        await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/read", new { messageIds = new[] { one.GetProperty("messageId").GetString() } });
        Assert.Equal(1, (await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync()).GetProperty("totalUnread").GetInt64());
    }

    [Fact]
    public async Task A_retry_after_a_crash_between_storing_and_counting_completes_the_count_and_the_push_once()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        await using var agent = await LiveClient.ConnectAsync(app, "/api/agent", app.AgentToken(chat.AgentId));
        var post = $"/api/machine/tickets/{chat.TicketId}/chat/messages";
        // What a request that died right after storing its message leaves: the message, and no count.
        var orphan = await StoredButUncountedAsync(chat, sessionId, "crash-1", "perdida?", TimeProvider.System.GetUtcNow().AddSeconds(-11));

        var retry = await (await chat.Machine.PostJsonAsync(post, new { body = "perdida?", clientMessageId = "crash-1" })).OkJsonAsync(200);
        Assert.Equal(orphan.Id, retry.GetProperty("messageId").GetString());
        await agent.WaitForAsync(ChatEvents.MessageCreated, p => p.GetProperty("messageId").GetString() == orphan.Id);
        await (await chat.Machine.PostJsonAsync(post, new { body = "perdida?", clientMessageId = "crash-1" })).OkJsonAsync(200);
        await chat.Machine.PostJsonAsync(post, new { body = "depois" });
        await agent.WaitForAsync(ChatEvents.MessageCreated, p => p.GetProperty("preview").GetString() == "depois");

        Assert.Single(agent.Received, e => e.Target == ChatEvents.MessageCreated && e.Payload.GetProperty("messageId").GetString() == orphan.Id);
        var session = (await app.Store.SessionAsync(sessionId));
        Assert.Equal(2, session.UnreadByAgent);
    }

    [Fact]
    public async Task A_retry_while_the_first_request_may_still_be_counting_is_told_to_come_back()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        await StoredButUncountedAsync(chat, sessionId, "slow-1", "em andamento", TimeProvider.System.GetUtcNow());

        var response = await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "em andamento", clientMessageId = "slow-1" });
        await response.AssertProblemAsync(409, "message_in_progress");
        Assert.Equal(TimeSpan.FromSeconds(10), response.Headers.RetryAfter?.Delta);
        var session = (await app.Store.SessionAsync(sessionId));
        Assert.Equal(0, session.UnreadByAgent);
    }

    async Task<MessageDocument> StoredButUncountedAsync(ChatScenario chat, string sessionId, string clientMessageId, string body, DateTimeOffset at)
    {
        var tenantId = (await app.Store.SessionAsync(sessionId)).TenantId;
        var message = new MessageDocument
        {
            Id = MessageDocument.IdFor(sessionId, $"machine:{chat.MachineId}", clientMessageId),
            TicketId = chat.TicketId, TenantId = tenantId, SessionId = sessionId, AuthorId = "requester",
            AuthorSnapshot = new("Cliente", null, null), FromMachine = true, Body = body, ClientMessageId = clientMessageId,
            CreatedAt = at.ToUnixTimeMilliseconds(), ReadByMachineAt = at.ToUnixTimeMilliseconds(),
        };
        await app.Store.Messages.CreateItemAsync(message, new PartitionKey(chat.TicketId));
        return message;
    }

    async Task<List<SessionDocument>> SessionsOfTicketAsync(ChatScenario chat)
    {
        var result = new List<SessionDocument>();
        using var feed = app.Store.Sessions.GetItemQueryIterator<SessionDocument>(
            new QueryDefinition("SELECT * FROM c WHERE c.machineId = @m AND c.ticketId = @t").WithParameter("@m", chat.MachineId).WithParameter("@t", chat.TicketId),
            requestOptions: new QueryRequestOptions { PartitionKey = SessionDocument.KeyOf(chat.Tenant.Id, chat.MachineId) });
        while (feed.HasMoreResults) result.AddRange(await feed.ReadNextAsync());
        return result;
    }
}
