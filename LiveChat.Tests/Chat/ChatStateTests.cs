using System.Text.Json;
using LiveChat.Core.Chat;
using LiveChat.Core.Storage;
using LiveChat.Core.Tickets;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Chat;

/// <summary>
/// The chat's state invariants on the real worker, raced across two worker instances on one store: unread counters
/// equal the unread messages, one ACTIVE session per ticket on any machine, and an end that reports only what the
/// store holds.
/// </summary>
public sealed class ChatStateTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    static string Post(ChatScenario chat) => $"/api/tickets/{chat.TicketId}/chat/messages";
    static string MachinePost(ChatScenario chat) => $"/api/machine/tickets/{chat.TicketId}/chat/messages";
    static string MachineRead(ChatScenario chat) => $"/api/machine/tickets/{chat.TicketId}/chat/read";

    async Task<SessionDocument> SessionAsync(string sessionId, string machineId) =>
        (await app.Store.SessionAsync(sessionId));

    async Task<List<SessionDocument>> ActiveSessionsOfTicketAsync(string ticketId) =>
        await app.Store.Sessions.QueryAsync<SessionDocument>(new QueryDefinition("SELECT * FROM c WHERE c.ticketId = @t AND c.status = 'ACTIVE'")
            .WithParameter("@t", ticketId), ContainerExtensions.AllPartitions, default);

    [Fact]
    public async Task Ten_parallel_mark_reads_of_one_message_on_two_instances_lower_the_counter_once()
    {
        var other = await app.AnotherInstanceAsync();
        for (var trial = 0; trial < 4; trial++)
        {
            var chat = await app.ChatAsync();
            var sessionId = await chat.StartSessionAsync();
            var ids = new List<string>();
            for (var i = 0; i < 5; i++)
                ids.Add((await (await chat.Agent.PostJsonAsync(Post(chat), new { body = $"m{i}" })).OkJsonAsync(201)).GetProperty("messageId").GetString()!);
            var onOther = new HttpClient { BaseAddress = other.BaseAddress };
            onOther.DefaultRequestHeaders.Authorization = chat.Machine.DefaultRequestHeaders.Authorization;

            var reads = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
                (i % 2 == 0 ? chat.Machine : onOther).PostJsonAsync(MachineRead(chat), new { messageIds = new[] { ids[0] } })));
            var processed = await Task.WhenAll(reads.Select(async r => (await r.OkJsonAsync()).GetProperty("processed").GetInt32()));

            Assert.Equal(1, processed.Sum());
            Assert.Equal(4, (await SessionAsync(sessionId, chat.MachineId)).UnreadByMachine);
            Assert.Equal(4, (await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync()).GetProperty("totalUnread").GetInt64());
        }
    }

    [Fact]
    public async Task Marking_read_a_message_of_an_earlier_session_leaves_the_current_counter_alone()
    {
        var chat = await app.ChatAsync();
        var first = await chat.StartSessionAsync();
        var old = (await (await chat.Agent.PostJsonAsync(Post(chat), new { body = "da sessão anterior" })).OkJsonAsync(201)).GetProperty("messageId").GetString();
        (await chat.Agent.PostAsync($"/api/chat/sessions/{first}/end", null)).EnsureSuccessStatusCode();
        var current = await chat.StartSessionAsync();
        await (await chat.Agent.PostJsonAsync(Post(chat), new { body = "da sessão atual" })).OkJsonAsync(201);

        var read = await (await chat.Machine.PostJsonAsync(MachineRead(chat), new { messageIds = new[] { old } })).OkJsonAsync();

        Assert.Equal(1, read.GetProperty("processed").GetInt32());
        Assert.Equal(1, (await SessionAsync(current, chat.MachineId)).UnreadByMachine);
        Assert.Equal(1, (await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync()).GetProperty("totalUnread").GetInt64());
    }

    [Fact]
    public async Task Posts_and_mark_reads_racing_on_two_instances_leave_each_counter_equal_to_its_unread_messages()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var other = await app.AnotherInstanceAsync();
        var machineElsewhere = new HttpClient { BaseAddress = other.BaseAddress };
        machineElsewhere.DefaultRequestHeaders.Authorization = chat.Machine.DefaultRequestHeaders.Authorization;
        var agentElsewhere = new HttpClient { BaseAddress = other.BaseAddress };
        agentElsewhere.DefaultRequestHeaders.Authorization = chat.Agent.DefaultRequestHeaders.Authorization;

        var agentIds = (await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
            (await (await (i % 2 == 0 ? chat.Agent : agentElsewhere).PostJsonAsync(Post(chat), new { body = $"a{i}" })).OkJsonAsync(201))
            .GetProperty("messageId").GetString()!))).ToList();
        // Machine posts, machine reads of every agent message (each id twice, from both instances) and agent reads, at once.
        var work = new List<Task<HttpResponseMessage>>();
        for (var i = 0; i < 20; i++)
        {
            work.Add((i % 2 == 0 ? chat.Machine : machineElsewhere).PostJsonAsync(MachinePost(chat), new { body = $"m{i}" }));
            work.Add(chat.Machine.PostJsonAsync(MachineRead(chat), new { messageIds = agentIds.Skip(i / 2 * 2).Take(3).ToArray() }));
            work.Add(machineElsewhere.PostJsonAsync(MachineRead(chat), new { messageIds = agentIds.Skip(i / 2 * 2).Take(3).ToArray() }));
        }
        var failed = (await Task.WhenAll(work)).Where(r => !r.IsSuccessStatusCode);
        Assert.Empty(await Task.WhenAll(failed.Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}")));
        var messages = (await (await chat.Agent.GetAsync(Post(chat) + "?limit=200")).OkJsonAsync()).GetProperty("messages").EnumerateArray().ToList();
        var machineIds = messages.Where(m => m.GetProperty("isFromMachine").GetBoolean()).Select(m => m.GetProperty("id").GetString()!).ToList();
        await Task.WhenAll(machineIds.Take(7).Select((id, i) => (i % 2 == 0 ? chat.Agent : agentElsewhere).PostJsonAsync(
            $"/api/tickets/{chat.TicketId}/chat/read", new { messageIds = new[] { id } })));

        var session = await SessionAsync(sessionId, chat.MachineId);
        var stored = await app.Store.Messages.QueryAsync<MessageDocument>(new QueryDefinition("SELECT * FROM c WHERE c.sessionId = @s")
            .WithParameter("@s", sessionId), chat.TicketId, default);
        Assert.Equal(stored.LongCount(m => !m.FromMachine && m.ReadByMachineAt is null), session.UnreadByMachine);
        Assert.Equal(stored.LongCount(m => m.FromMachine && m.ReadByAgentAt is null), session.UnreadByAgent);
        Assert.Equal((0L, 13L), (session.UnreadByMachine, session.UnreadByAgent));
        // The machine's inbox, written after each of those session writes in whatever order they finished, holds the last.
        var poll = await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync();
        var shown = Assert.Single(poll.GetProperty("sessions").EnumerateArray());
        Assert.Equal((session.UnreadByMachine, session.LastActivityAt), (poll.GetProperty("totalUnread").GetInt64(), shown.GetProperty("lastActivityAt").GetInt64()));
    }

    [Fact]
    public async Task Agent_posts_racing_on_two_instances_reach_the_machines_poll_exactly()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var other = await app.AnotherInstanceAsync(app.AgentToken(chat.AgentId));
        var posts = Enumerable.Range(0, 30).Select(i => (i % 2 == 0 ? chat.Agent : other).PostJsonAsync(Post(chat), new { body = $"a{i}" }));
        Assert.All(await Task.WhenAll(posts), r => Assert.Equal(201, (int)r.StatusCode));

        var session = await SessionAsync(sessionId, chat.MachineId);
        var poll = await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync();
        var list = await (await chat.Machine.GetAsync("/api/machine/chat/sessions")).OkJsonAsync();
        Assert.Equal((30L, 30L, session.Version), (session.UnreadByMachine, poll.GetProperty("totalUnread").GetInt64(), 31L));
        Assert.Equal(30L, Assert.Single(list.EnumerateArray()).GetProperty("unreadCount").GetInt64());
    }

    [Fact]
    public async Task A_ticket_relinked_while_its_old_session_stayed_active_gets_one_active_session_when_a_chat_starts()
    {
        var chat = await app.ChatAsync();
        var oldSession = await chat.StartSessionAsync();
        var (newMachine, _, newMachineClient) = await chat.Tenant.MachineAsync();
        // What an interrupted relink leaves: the ticket points to the new machine, the old machine's session is ACTIVE.
        await app.Store.Tickets.PatchItemAsync<TicketDocument>(chat.TicketId, new PartitionKey(chat.TicketId),
            [PatchOperation.Set("/machineId", newMachine)]);

        var started = await (await chat.Agent.PostAsync($"/api/tickets/{chat.TicketId}/chat/session", null)).OkJsonAsync(201);

        var active = Assert.Single(await ActiveSessionsOfTicketAsync(chat.TicketId));
        Assert.Equal((started.GetProperty("sessionId").GetString(), newMachine), (active.Id, active.MachineId));
        var ended = await SessionAsync(oldSession, chat.MachineId);
        Assert.Equal((SessionStatus.Ended, EndReasons.TicketWithoutMachine), (ended.Status, ended.EndReason));
        Assert.False((await chat.Machine.PostJsonAsync(MachinePost(chat), new { body = "ainda aqui?" })).IsSuccessStatusCode);
        await (await newMachineClient.PostJsonAsync(MachinePost(chat), new { body = "cheguei" })).OkJsonAsync(201);
    }

    [Fact]
    public async Task Starts_and_ends_racing_on_two_instances_keep_one_active_session_and_one_timeline_event_each()
    {
        var other = await app.AnotherInstanceAsync();
        for (var round = 0; round < 3; round++)
        {
            var chat = await app.ChatAsync();
            var agentElsewhere = new HttpClient { BaseAddress = other.BaseAddress };
            agentElsewhere.DefaultRequestHeaders.Authorization = chat.Agent.DefaultRequestHeaders.Authorization;
            var starts = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
                (i % 2 == 0 ? chat.Agent : agentElsewhere).PostAsync($"/api/tickets/{chat.TicketId}/chat/session", null)));
            var bodies = await Task.WhenAll(starts.Select(r => r.OkJsonAsync((int)r.StatusCode is 200 ? 200 : 201)));
            var sessionId = Assert.Single(bodies.Select(b => b.GetProperty("sessionId").GetString()).Distinct())!;
            Assert.Single(bodies, b => b.GetProperty("isNew").GetBoolean());
            Assert.Single(await ActiveSessionsOfTicketAsync(chat.TicketId));

            var ends = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
                (i % 2 == 0 ? chat.Agent : agentElsewhere).PostAsync($"/api/chat/sessions/{sessionId}/end", null)));
            Assert.Single(ends, r => r.IsSuccessStatusCode);
            foreach (var refused in ends.Where(r => !r.IsSuccessStatusCode)) await refused.AssertProblemAsync(409, "session_not_active");
            Assert.Empty(await ActiveSessionsOfTicketAsync(chat.TicketId));
            var events = await app.Store.Events.QueryAsync<JsonElement>(new QueryDefinition("SELECT * FROM c WHERE c.ticketId = @t")
                .WithParameter("@t", chat.TicketId), chat.TicketId, default);
            Assert.Equal(["LIVE_CHAT_ENDED", "LIVE_CHAT_STARTED"], events.Select(e => e.GetProperty("type").GetString()).Order());

            var again = await (await agentElsewhere.PostAsync($"/api/tickets/{chat.TicketId}/chat/session", null)).OkJsonAsync(201);
            Assert.NotEqual(sessionId, again.GetProperty("sessionId").GetString());
        }
    }
}

/// <summary>One ETag attempt per update, so an end racing steady posts loses every attempt now and then.</summary>
public sealed class OneAttemptApp : LiveChatApp
{
    protected override Dictionary<string, string?> Settings => new() { ["LiveChat:MaxConcurrentUpdateAttempts"] = "1" };
}

public sealed class EndUnderContentionTests(OneAttemptApp app) : IClassFixture<OneAttemptApp>
{
    [Fact]
    public async Task An_end_that_loses_every_race_answers_concurrent_update_and_never_reports_an_end_the_store_does_not_hold()
    {
        var lost = 0;
        for (var round = 0; round < 20 && lost < 2; round++)
        {
            var chat = await app.ChatAsync();
            var sessionId = await chat.StartSessionAsync();
            // Both sides post, so the session is written (counted) all through the end's read-then-replace.
            var posts = Enumerable.Range(0, 60).Select(i => i % 2 == 0
                ? chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = $"m{i}" })
                : chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = $"a{i}" })).ToList();
            await Task.Delay(20);
            var answer = await chat.Agent.PostAsync($"/api/chat/sessions/{sessionId}/end", null);
            await Task.WhenAll(posts);
            var stored = (await app.Store.SessionAsync(sessionId));
            if (answer.IsSuccessStatusCode)
            {
                Assert.Equal(SessionStatus.Ended, stored.Status);
                continue;
            }
            // Not ended by this call, so it must still be ACTIVE, and the answer must say "retry", not "already ended".
            Assert.True(stored.IsActive, "the end was refused, yet the session ended");
            await answer.AssertProblemAsync(409, "concurrent_update");
            Assert.True(answer.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "409 concurrent_update without Retry-After");
            lost++;
        }
        Assert.True(lost > 0, "no end lost its race in 20 rounds: the test did not exercise contention");
    }
}
