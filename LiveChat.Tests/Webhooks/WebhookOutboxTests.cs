using System.Text;
using Azure.Identity;
using Azure.Storage.Queues;
using LiveChat.Core.Chat;
using LiveChat.Core.Storage;
using LiveChat.Core.Webhooks;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LiveChat.Tests.Webhooks;

/// <summary>
/// The outbox as a worker leaves it when it dies at the worst moment: an event recorded, its change written, and never
/// handed to the queue (or its change never written). The relay timer and the confirmation against the store decide.
/// </summary>
public sealed class WebhookOutboxTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    [Fact]
    public async Task An_event_a_dead_worker_recorded_and_never_handed_on_is_relayed_by_the_timer()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var messageId = (await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "sem entrega" }))
            .OkJsonAsync(201)).GetProperty("messageId").GetString()!;
        await using var receiver = new WebhookReceiver();
        var (_, secret) = await chat.Tenant.WebhookAsync(receiver.Url, ["message.created"]);
        await receiver.StartAsync(secret);
        var message = (await app.Store.Messages.ReadItemAsync<MessageDocument>(messageId, new PartitionKey(chat.TicketId))).Resource;
        await app.Store.WebhookOutbox.CreateItemAsync(ChatWebhookEvents.MessageCreated(message) with { CreatedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 5_000 });

        await RelayAsync(app.CreateClient());
        Assert.True(await Poll.UntilAsync(async () => (await receiver.AcceptedAsync()).Any(r => r.Data().GetProperty("messageId").GetString() == messageId), 30_000));
        Assert.Equal("sem entrega", (await receiver.AcceptedAsync()).First().Data().GetProperty("body").GetString());
        Assert.True(await Poll.UntilAsync(async () => !await OutboxHasAsync(ChatWebhookEvents.MessageCreated(message).Id), 10_000), "the outbox kept the event");
    }

    [Fact]
    public async Task An_event_whose_change_never_reached_the_store_is_dropped_unsent()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (_, secret) = await chat.Tenant.WebhookAsync(receiver.Url);
        await receiver.StartAsync(secret);
        var sessionId = await chat.StartSessionAsync();
        var session = (await app.Store.Sessions.ReadItemAsync<SessionDocument>(sessionId, SessionDocument.KeyOf(chat.Tenant.Id, chat.MachineId))).Resource;
        Assert.True(await Poll.UntilAsync(async () => (await receiver.AcceptedAsync()).Count == 1, 30_000)); // the real session.started
        // A post that recorded its event and then failed to write the message; an end that never happened.
        var neverWritten = new MessageDocument
        {
            Id = "never-written", TicketId = chat.TicketId, TenantId = chat.Tenant.Id, SessionId = sessionId, AuthorId = chat.AgentId,
            AuthorSnapshot = session.AgentSnapshot, Body = "x", CreatedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        var old = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 5_000;
        var lost = new[] { ChatWebhookEvents.MessageCreated(neverWritten) with { CreatedAt = old }, ChatWebhookEvents.SessionEnded(session) with { CreatedAt = old } };
        foreach (var e in lost) await app.Store.WebhookOutbox.CreateItemAsync(e);

        await RelayAsync(app.CreateClient());
        Assert.True(await Poll.UntilAsync(async () => !await OutboxHasAsync(lost[0].Id) && !await OutboxHasAsync(lost[1].Id), 20_000), "the unconfirmed events stayed");
        await Task.Delay(1_000);
        Assert.Single(await receiver.ReceivedAsync());
    }

    [Fact]
    public async Task Two_instances_relaying_the_same_event_at_once_make_one_delivery()
    {
        var chat = await app.ChatAsync();
        var other = await app.AnotherInstanceAsync();
        await chat.StartSessionAsync();
        var messageId = (await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "duas vezes" }))
            .OkJsonAsync(201)).GetProperty("messageId").GetString()!;
        await using var receiver = new WebhookReceiver();
        var (endpointId, secret) = await chat.Tenant.WebhookAsync(receiver.Url, ["message.created"]);
        await receiver.StartAsync(secret);
        var message = (await app.Store.Messages.ReadItemAsync<MessageDocument>(messageId, new PartitionKey(chat.TicketId))).Resource;
        var recorded = ChatWebhookEvents.MessageCreated(message) with { CreatedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 5_000 };
        await app.Store.WebhookOutbox.CreateItemAsync(recorded);

        await Task.WhenAll(RelayAsync(app.CreateClient()), RelayAsync(other), RelayAsync(app.CreateClient()), RelayAsync(other));
        Assert.True(await Poll.UntilAsync(async () => (await receiver.AcceptedAsync()).Count >= 1, 30_000));
        await Task.Delay(2_000);
        var delivery = Assert.Single(await chat.Tenant.DeliveriesAsync(endpointId));
        Assert.Equal(recorded.Id, delivery.GetProperty("eventId").GetString());
        Assert.All(await receiver.ReceivedAsync(), r => Assert.Equal(recorded.Id, r.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_delivery_left_pending_without_a_queue_message_is_attempted_by_the_timer_once_overdue()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (endpointId, secret) = await chat.Tenant.WebhookAsync(receiver.Url, ["message.created"]);
        await receiver.StartAsync(secret);
        // As a fan-out leaves it when it dies between creating the delivery and attempting it (or when the retry's
        // queue message is lost): pending, due long ago, in no queue.
        var due = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - (long)WebhookDispatcher.OverdueAfter.TotalMilliseconds - 60_000;
        var orphan = new WebhookDeliveryDocument
        {
            Id = "evt_orphaned_" + Guid.NewGuid().ToString("N")[..8], EndpointId = endpointId, TenantId = chat.Tenant.Id, Type = "message.created",
            Payload = WebhookDispatcher.Envelope("message.created", due, new { tenantId = chat.Tenant.Id, messageId = "m-orphan" }),
            OccurredAt = due, CreatedAt = due, NextAttemptAt = due,
        };
        await app.Store.WebhookDeliveries.CreateItemAsync(orphan, new PartitionKey(endpointId));

        await RelayAsync(app.CreateClient());
        Assert.True(await Poll.UntilAsync(async () => (await receiver.AcceptedAsync()).Any(r => r.GetProperty("id").GetString() == orphan.Id), 30_000));
        var delivery = (await chat.Tenant.DeliveriesAsync(endpointId)).Single(d => d.GetProperty("eventId").GetString() == orphan.Id);
        Assert.Equal("succeeded", delivery.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Parallel_posts_and_mark_reads_on_two_instances_keep_the_counters_and_announce_each_change()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (_, secret) = await chat.Tenant.WebhookAsync(receiver.Url, ["message.created", "messages.read"]);
        await receiver.StartAsync(secret);
        var sessionId = await chat.StartSessionAsync();
        var other = await app.AnotherInstanceAsync();
        var machineElsewhere = new HttpClient { BaseAddress = other.BaseAddress };
        machineElsewhere.DefaultRequestHeaders.Authorization = chat.Machine.DefaultRequestHeaders.Authorization;

        var posted = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
            (await (await (i % 2 == 0 ? chat.Agent : machineElsewhere).PostJsonAsync(
                i % 2 == 0 ? $"/api/tickets/{chat.TicketId}/chat/messages" : $"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = $"corrida {i}" }))
                .OkJsonAsync(201)).GetProperty("messageId").GetString()!));
        var agentIds = posted.Where((_, i) => i % 2 == 0).ToArray();
        // Every agent message marked read by the machine twice at once, once on each instance.
        var reads = await Task.WhenAll(agentIds.SelectMany(id => new[] { chat.Machine, machineElsewhere }
            .Select(client => client.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/read", new { messageIds = new[] { id } }))));
        Assert.All(reads, r => Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}"));

        var session = (await app.Store.Sessions.ReadItemAsync<SessionDocument>(sessionId, SessionDocument.KeyOf(chat.Tenant.Id, chat.MachineId))).Resource;
        var stored = await app.Store.Messages.QueryAsync<MessageDocument>(new QueryDefinition("SELECT * FROM c WHERE c.sessionId = @s")
            .WithParameter("@s", sessionId), chat.TicketId, default);
        Assert.Equal(stored.LongCount(m => !m.FromMachine && m.ReadByMachineAt is null), session.UnreadByMachine);
        Assert.Equal(stored.LongCount(m => m.FromMachine && m.ReadByAgentAt is null), session.UnreadByAgent);
        Assert.Equal(0, session.UnreadByMachine);

        // Each post is announced, and each message's read by the machine once (the losing mark-read changed nothing).
        Assert.True(await Poll.UntilAsync(async () =>
        {
            var accepted = await receiver.AcceptedAsync();
            return posted.All(id => accepted.Any(r => r.Type() == "message.created" && r.Data().GetProperty("messageId").GetString() == id))
                && agentIds.All(id => accepted.Any(r => r.Type() == "messages.read" && r.Data().GetProperty("messageIds").EnumerateArray().Any(x => x.GetString() == id)));
        }, 30_000), "not every change was announced");
        await Task.Delay(1_000);
        var readEvents = (await receiver.AcceptedAsync()).Where(r => r.Type() == "messages.read").DistinctBy(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(agentIds.Length, readEvents.Sum(r => r.Data().GetProperty("messageIds").GetArrayLength()));
    }

    [Fact]
    public async Task A_queue_deleted_after_start_is_created_again_by_the_next_send()
    {
        var stack = await LocalStack.InstanceAsync();
        var name = "webhooks-gone-" + Guid.NewGuid().ToString("N")[..8];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(WebhookQueue.Connection, (string?)stack.QueueConnectionString)]).Build();
        var queue = new WebhookQueue(configuration, Options.Create(new WebhookOptions { Queue = name }), new DefaultAzureCredential());
        var storage = new QueueClient(stack.QueueConnectionString, name);
        await queue.EnsureCreatedAsync(default);
        await storage.DeleteAsync(); // as when Azurite restarts empty, or an operator deletes the queue

        await queue.SendAsync(new WebhookWork(EventId: "evt_after_delete"), TimeSpan.Zero, default);

        var message = Assert.Single((await storage.PeekMessagesAsync(5)).Value);
        Assert.Equal("evt_after_delete", WebhookQueue.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText)))!.EventId);
        await storage.DeleteAsync();
    }

    static async Task RelayAsync(HttpClient client) =>
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await client.PostAsync("/admin/functions/RelayWebhookEvents", null)).StatusCode);

    async Task<bool> OutboxHasAsync(string id)
    {
        try
        {
            await app.Store.WebhookOutbox.ReadItemAsync<WebhookOutboxDocument>(id, new PartitionKey(id));
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
