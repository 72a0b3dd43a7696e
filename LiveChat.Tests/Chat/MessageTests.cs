using System.Text.Json;
using LiveChat.Core.Chat;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Chat;

public sealed class MessageTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    static string Messages(ChatScenario c) => $"/api/tickets/{c.TicketId}/chat/messages";
    static string MachineMessages(ChatScenario c) => $"/api/machine/tickets/{c.TicketId}/chat/messages";

    [Fact]
    public async Task A_conversation_counts_unread_on_each_side_and_read_resets_it()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var before = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var fromAgent = await (await chat.Agent.PostJsonAsync(Messages(chat), new { body = "  Olá, posso ajudar?  " })).OkJsonAsync(201);
        Assert.InRange(fromAgent.GetProperty("createdAt").GetInt64(), before, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        await Task.Delay(2);
        await (await chat.Machine.PostJsonAsync(MachineMessages(chat), new { body = "Sim" })).OkJsonAsync(201);
        await Task.Delay(2);
        await (await chat.Machine.PostJsonAsync(MachineMessages(chat), new { body = "A impressora" })).OkJsonAsync(201);

        var machineView = await (await chat.Machine.GetAsync(MachineMessages(chat))).OkJsonAsync();
        Assert.True(machineView.GetProperty("hasSession").GetBoolean());
        Assert.Equal(1, machineView.GetProperty("unreadCount").GetInt64());
        var messages = machineView.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["Olá, posso ajudar?", "Sim", "A impressora"], messages.Select(m => m.GetProperty("body").GetString()));
        Assert.Equal([false, true, true], messages.Select(m => m.GetProperty("isFromMachine").GetBoolean()));

        var agentView = await (await chat.Agent.GetAsync(Messages(chat))).OkJsonAsync();
        Assert.Equal(2, agentView.GetProperty("unreadCount").GetInt64());

        var ids = messages.Select(m => m.GetProperty("id").GetString()).ToArray();
        var machineRead = await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/read", new { messageIds = ids })).OkJsonAsync();
        Assert.Equal(1, machineRead.GetProperty("processed").GetInt32());
        var agentRead = await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/read", new { messageIds = ids })).OkJsonAsync();
        Assert.Equal(2, agentRead.GetProperty("processed").GetInt32());
        var againRead = await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/read", new { messageIds = ids })).OkJsonAsync();
        Assert.Equal(0, againRead.GetProperty("processed").GetInt32());

        Assert.Equal(0, (await (await chat.Machine.GetAsync(MachineMessages(chat))).OkJsonAsync()).GetProperty("unreadCount").GetInt64());
        Assert.Equal(0, (await (await chat.Agent.GetAsync(Messages(chat))).OkJsonAsync()).GetProperty("unreadCount").GetInt64());
        var stored = (await app.Store.Messages.ReadItemAsync<MessageDocument>(ids[0]!, new PartitionKey(chat.TicketId))).Resource;
        Assert.NotNull(stored.ReadByMachineAt);
    }

    [Fact]
    public async Task Posting_without_an_active_session_is_409_on_both_sides()
    {
        var chat = await app.ChatAsync();
        var problem = await (await chat.Machine.PostJsonAsync(MachineMessages(chat), new { body = "oi" })).AssertProblemAsync(409, "session_not_active");
        Assert.Equal("Nenhuma sessão de chat ativa para este ticket", problem.GetProperty("detail").GetString());
        await (await chat.Agent.PostJsonAsync(Messages(chat), new { body = "oi" })).AssertProblemAsync(409, "session_not_active");

        var sessionId = await chat.StartSessionAsync();
        (await chat.Agent.PostAsync($"/api/chat/sessions/{sessionId}/end", null)).EnsureSuccessStatusCode();
        await (await chat.Machine.PostJsonAsync(MachineMessages(chat), new { body = "oi" })).AssertProblemAsync(409, "session_not_active");
        await (await chat.Agent.PostJsonAsync(Messages(chat), new { body = "oi" })).AssertProblemAsync(409, "session_not_active");
    }

    [Fact]
    public async Task Machine_listing_without_a_session_is_empty_with_hasSession_false()
    {
        var chat = await app.ChatAsync();
        var list = await (await chat.Machine.GetAsync(MachineMessages(chat))).OkJsonAsync();
        Assert.False(list.GetProperty("hasSession").GetBoolean());
        Assert.Empty(list.GetProperty("messages").EnumerateArray());
        Assert.Equal(0, list.GetProperty("unreadCount").GetInt64());
    }

    [Fact]
    public async Task A_machine_reaches_only_tickets_linked_to_it()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var (_, _, otherMachine) = await chat.Tenant.MachineAsync();
        var problem = await (await otherMachine.PostJsonAsync(MachineMessages(chat), new { body = "oi" })).AssertProblemAsync(403, "machine_not_linked");
        Assert.Equal("Esta máquina não está vinculada a este ticket", problem.GetProperty("detail").GetString());
        await (await otherMachine.GetAsync(MachineMessages(chat))).AssertProblemAsync(403, "machine_not_linked");
        await (await otherMachine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/read", new { messageIds = new[] { "x" } })).AssertProblemAsync(403, "machine_not_linked");
        await (await otherMachine.GetAsync("/api/machine/tickets/unknown/chat/messages")).AssertProblemAsync(404, "ticket_not_found");
    }

    [Fact]
    public async Task Bodies_are_trimmed_and_limited_to_4000_characters()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        await (await chat.Machine.PostJsonAsync(MachineMessages(chat), new { body = "   " + new string('a', 4000) + "   " })).OkJsonAsync(201);
        var tooLong = await (await chat.Machine.PostJsonAsync(MachineMessages(chat), new { body = new string('a', 4001) })).AssertProblemAsync(400, "message_too_long");
        Assert.Equal("Mensagem muito longa (máximo 4000 caracteres)", tooLong.GetProperty("detail").GetString());
        await (await chat.Agent.PostJsonAsync(Messages(chat), new { body = new string('a', 4001) })).AssertProblemAsync(400, "message_too_long");
        await (await chat.Machine.PostJsonAsync(MachineMessages(chat), new { body = " \n\t " })).AssertProblemAsync(400, "message_empty");
        await (await chat.Machine.PostJsonAsync(MachineMessages(chat), new { })).AssertProblemAsync(400, "message_empty");
        await (await chat.Machine.PostJsonAsync(MachineMessages(chat), new { body = "x", clientMessageId = "has spaces" })).AssertProblemAsync(400, "validation_failed");
        await (await chat.Machine.PostRawAsync(MachineMessages(chat), "{\"body\": 12}")).AssertProblemAsync(400, "invalid_json");

        var list = await (await chat.Machine.GetAsync(MachineMessages(chat))).OkJsonAsync();
        Assert.Equal(4000, list.GetProperty("messages").EnumerateArray().Single().GetProperty("body").GetString()!.Length);
        Assert.Equal(1, (await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/session")).OkJsonAsync()).GetProperty("unreadByAgent").GetInt64());
    }

    [Fact]
    public async Task List_and_read_validate_their_input()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        foreach (var query in new[] { "?limit=abc", "?limit=-3", "?since=yesterday", "?since=12.", "?since=1.2.3%20" })
            await (await chat.Machine.GetAsync(MachineMessages(chat) + query)).AssertProblemAsync(400, "validation_failed");
        await (await chat.Agent.GetAsync(Messages(chat) + "?after=nope")).AssertProblemAsync(400, "validation_failed");
        await (await chat.Machine.GetAsync(MachineMessages(chat) + "?limit=100000")).OkJsonAsync();

        var read = $"/api/machine/tickets/{chat.TicketId}/chat/read";
        await (await chat.Machine.PostJsonAsync(read, new { })).AssertProblemAsync(400, "validation_failed");
        await (await chat.Machine.PostJsonAsync(read, new { messageIds = Enumerable.Range(0, 51).Select(i => $"m{i}") })).AssertProblemAsync(400, "validation_failed");
        await (await chat.Machine.PostRawAsync(read, "{\"messageIds\": \"m1\"}")).AssertProblemAsync(400, "invalid_json");
        Assert.Equal(0, (await (await chat.Machine.PostJsonAsync(read, new { messageIds = new[] { "unknown" } })).OkJsonAsync()).GetProperty("processed").GetInt32());
    }

    [Fact]
    public async Task Machine_messages_are_authored_by_the_assigned_user_else_first_linked_user_else_the_requester()
    {
        var tenant = await app.TenantAsync();
        var (agentId, agent) = await tenant.UserAsync();
        var (linkedId, _) = await tenant.UserAsync("COLLABORATOR", "Carla Cliente");
        var (assignedId, _) = await tenant.UserAsync("COLLABORATOR", "Davi");

        async Task<(string Name, string AuthorId)> AuthorOf(object registration)
        {
            var (machineId, _, machine) = await tenant.MachineAsync(registration: registration);
            var ticketId = await tenant.TicketAsync(machineId);
            (await agent.PostAsync($"/api/tickets/{ticketId}/chat/session", null)).EnsureSuccessStatusCode();
            (await machine.PostJsonAsync($"/api/machine/tickets/{ticketId}/chat/messages", new { body = "oi" })).EnsureSuccessStatusCode();
            var message = (await (await agent.GetAsync($"/api/tickets/{ticketId}/chat/history")).OkJsonAsync())
                .GetProperty("sessions")[0].GetProperty("messages")[0];
            return (message.GetProperty("authorName").GetString()!, message.GetProperty("authorId").GetString()!);
        }

        Assert.Equal(("Davi", assignedId), await AuthorOf(new { hostname = "PC-A", assignedUserId = assignedId, assignedUserName = "Davi", linkedUserIds = new[] { linkedId } }));
        Assert.Equal(("Carla Cliente", linkedId), await AuthorOf(new { hostname = "PC-B", linkedUserIds = new[] { linkedId } }));
        Assert.Equal(("PC-C", $"{tenant.Id}-requester"), await AuthorOf(new { hostname = "PC-C" }));
        Assert.NotEqual(agentId, linkedId);
    }

    [Fact]
    public async Task History_groups_messages_by_session_newest_session_first()
    {
        var chat = await app.ChatAsync();
        var first = await chat.StartSessionAsync();
        await chat.Agent.PostJsonAsync(Messages(chat), new { body = "primeira" });
        (await chat.Agent.PostAsync($"/api/chat/sessions/{first}/end", null)).EnsureSuccessStatusCode();
        await Task.Delay(2);
        var second = await chat.StartSessionAsync();
        await chat.Machine.PostJsonAsync(MachineMessages(chat), new { body = "segunda A" });
        await Task.Delay(2);
        await chat.Agent.PostJsonAsync(Messages(chat), new { body = "segunda B" });

        var history = await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/history")).OkJsonAsync();
        Assert.Equal(3, history.GetProperty("totalMessages").GetInt32());
        var sessions = history.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal([second, first], sessions.Select(s => s.GetProperty("sessionId").GetString()));
        Assert.Equal(["segunda A", "segunda B"], sessions[0].GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetString()));
        Assert.Equal(["ACTIVE", "ENDED"], sessions.Select(s => s.GetProperty("status").GetString()));
        Assert.Equal(1, sessions[1].GetProperty("messageCount").GetInt32());
        Assert.StartsWith("PC-", sessions[0].GetProperty("machineName").GetString());

        Assert.False(history.GetProperty("messagesTruncated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, history.GetProperty("nextBefore").ValueKind);
        var older = await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/history?before={sessions[0].GetProperty("startedAt").GetInt64()}")).OkJsonAsync();
        Assert.Equal([first], older.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionId").GetString()));
        Assert.Equal(["primeira"], older.GetProperty("sessions")[0].GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetString()));
        await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/history?before=yesterday")).AssertProblemAsync(400, "validation_failed");

        var empty = await chat.Tenant.TicketAsync(chat.MachineId);
        var none = await (await chat.Agent.GetAsync($"/api/tickets/{empty}/chat/history")).OkJsonAsync();
        Assert.Empty(none.GetProperty("sessions").EnumerateArray());
    }
}
