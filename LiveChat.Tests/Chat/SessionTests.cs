using System.Net.Http.Json;
using System.Text.Json;
using LiveChat.Core.Chat;
using LiveChat.Core.Tickets;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Chat;

public sealed class SessionTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    [Fact]
    public async Task Start_creates_an_active_session_writes_the_started_event_and_enables_chat()
    {
        var chat = await app.ChatAsync();
        var started = await (await chat.Agent.PostAsync($"/api/tickets/{chat.TicketId}/chat/session", null)).OkJsonAsync(201);
        Assert.True(started.GetProperty("isNew").GetBoolean());
        var sessionId = started.GetProperty("sessionId").GetString()!;

        var e = await ReadEventAsync(chat.TicketId, Timeline.StartedEventId(sessionId));
        Assert.Equal("LIVE_CHAT_STARTED", e.GetProperty("type").GetString());
        Assert.Equal(chat.AgentId, e.GetProperty("payload").GetProperty("agentId").GetString());
        Assert.StartsWith("PC-", e.GetProperty("payload").GetProperty("machineHostname").GetString());
        var ticket = (await app.Store.Tickets.ReadItemAsync<TicketDocument>(chat.TicketId, new PartitionKey(chat.TicketId))).Resource;
        Assert.True(ticket.ChatEnabled);
    }

    [Fact]
    public async Task Second_start_returns_the_active_session()
    {
        var chat = await app.ChatAsync();
        var first = await chat.StartSessionAsync();
        var second = await (await chat.Agent.PostAsync($"/api/tickets/{chat.TicketId}/chat/session", null)).OkJsonAsync(200);
        Assert.Equal(first, second.GetProperty("sessionId").GetString());
        Assert.False(second.GetProperty("isNew").GetBoolean());
    }

    [Fact]
    public async Task Start_needs_a_linked_machine_that_is_online_and_a_staff_role()
    {
        var offline = await app.ChatAsync(machineOnline: false);
        await (await offline.Agent.PostAsync($"/api/tickets/{offline.TicketId}/chat/session", null)).AssertProblemAsync(409, "machine_offline");

        var noMachine = await offline.Tenant.TicketAsync(machineId: null);
        await (await offline.Agent.PostAsync($"/api/tickets/{noMachine}/chat/session", null)).AssertProblemAsync(409, "ticket_has_no_machine");
        await (await offline.Agent.PostAsync("/api/tickets/no-such-ticket/chat/session", null)).AssertProblemAsync(404, "ticket_not_found");

        var online = await app.ChatAsync();
        var (_, collaborator) = await online.Tenant.UserAsync("COLLABORATOR");
        var problem = await (await collaborator.PostAsync($"/api/tickets/{online.TicketId}/chat/session", null)).AssertProblemAsync(403, "forbidden_role");
        Assert.Equal("Apenas agentes podem iniciar chat ao vivo", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task End_writes_the_ended_event_with_duration_and_a_second_end_is_409()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        // Started 90 s ago: the start time moves back in the store (the worker runs on the real clock).
        var startedAt = TimeProvider.System.GetUtcNow().AddSeconds(-90).ToUnixTimeMilliseconds();
        await app.Store.Sessions.PatchItemAsync<SessionDocument>(sessionId, SessionDocument.KeyOf(chat.Tenant.Id, chat.MachineId), [PatchOperation.Set("/startedAt", startedAt)]);

        var ended = await (await chat.Agent.PostAsync($"/api/chat/sessions/{sessionId}/end", null)).OkJsonAsync();
        Assert.True(ended.GetProperty("ok").GetBoolean());
        var payload = (await ReadEventAsync(chat.TicketId, Timeline.EndedEventId(sessionId))).GetProperty("payload");
        Assert.Equal(payload.GetProperty("endedAt").GetInt64() - startedAt, payload.GetProperty("durationMs").GetInt64());
        Assert.InRange(payload.GetProperty("durationMs").GetInt64(), 90_000, 120_000);
        Assert.Equal(chat.AgentId, payload.GetProperty("agentId").GetString());
        Assert.False(payload.TryGetProperty("autoEnded", out _));

        var again = await (await chat.Agent.PostAsync($"/api/chat/sessions/{sessionId}/end", null)).AssertProblemAsync(409, "session_not_active");
        Assert.Equal("Sessão já encerrada", again.GetProperty("detail").GetString());
        await (await chat.Agent.PostAsync("/api/chat/sessions/nope/end", null)).AssertProblemAsync(404, "session_not_found");
        Assert.Equal(JsonValueKind.Null, (await Session(chat)).GetProperty("sessionId").ValueKind);
        Assert.NotEqual(sessionId, await chat.StartSessionAsync());
    }

    [Fact]
    public async Task The_role_is_checked_before_any_ticket_or_session_is_read()
    {
        var chat = await app.ChatAsync();
        var noMachine = await chat.Tenant.TicketAsync(machineId: null);
        var (_, collaborator) = await chat.Tenant.UserAsync("COLLABORATOR");
        await (await collaborator.PostAsync($"/api/tickets/{noMachine}/chat/session", null)).AssertProblemAsync(403, "forbidden_role");
        await (await collaborator.PostAsync("/api/tickets/no-such-ticket/chat/session", null)).AssertProblemAsync(403, "forbidden_role");
        await (await collaborator.GetAsync("/api/tickets/no-such-ticket/chat/session")).AssertProblemAsync(403, "forbidden_role");
        await (await collaborator.GetAsync("/api/tickets/no-such-ticket/chat/history")).AssertProblemAsync(403, "forbidden_role");
        await (await collaborator.PostAsync("/api/chat/sessions/no-such-session/end", null)).AssertProblemAsync(403, "forbidden_role");
        await (await collaborator.GetAsync($"/api/tickets/{noMachine}/chat/messages")).AssertProblemAsync(403, "forbidden_role");
    }

    [Fact]
    public async Task Only_staff_end_sessions()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var (_, collaborator) = await chat.Tenant.UserAsync("COLLABORATOR");
        var problem = await (await collaborator.PostAsync($"/api/chat/sessions/{sessionId}/end", null)).AssertProblemAsync(403, "forbidden_role");
        Assert.Equal("Apenas agentes de suporte podem encerrar sessões de chat", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Ticket_session_shows_the_active_session_and_machine_state()
    {
        var chat = await app.ChatAsync();
        var none = await Session(chat);
        Assert.Equal(JsonValueKind.Null, none.GetProperty("sessionId").ValueKind);
        Assert.True(none.GetProperty("machineOnline").GetBoolean());
        Assert.Equal(1, none.GetProperty("ticketRef").GetInt64());
        Assert.Equal("Impressora não imprime", none.GetProperty("ticketSubject").GetString());

        var sessionId = await chat.StartSessionAsync();
        await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "oi" });
        var active = await Session(chat);
        Assert.Equal(sessionId, active.GetProperty("sessionId").GetString());
        Assert.Equal(chat.AgentId, active.GetProperty("agentId").GetString());
        Assert.Equal(1, active.GetProperty("unreadByAgent").GetInt64());
    }

    [Fact]
    public async Task Agent_session_list_has_the_tenants_active_sessions_newest_activity_first()
    {
        var chat = await app.ChatAsync();
        var other = await chat.Tenant.MachineAsync();
        var otherTicket = await chat.Tenant.TicketAsync(other.Id, reference: 77, subject: "Outro");
        var first = await chat.StartSessionAsync();
        await Task.Delay(20);
        var second = await (await chat.Agent.PostAsync($"/api/tickets/{otherTicket}/chat/session", null)).OkJsonAsync(201);
        await Task.Delay(20);
        await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "oi" });

        var list = (await (await chat.Agent.GetAsync("/api/agent/chat/sessions")).OkJsonAsync()).EnumerateArray().ToList();
        Assert.Equal([first, second.GetProperty("sessionId").GetString()], list.Select(s => s.GetProperty("sessionId").GetString()));
        Assert.Equal(1, list[0].GetProperty("unreadCount").GetInt64());
        Assert.Equal(77, list[1].GetProperty("ticketRef").GetInt64());
        Assert.Equal("Outro", list[1].GetProperty("ticketSubject").GetString());

        var (_, collaborator) = await chat.Tenant.UserAsync("COLLABORATOR");
        Assert.Empty((await (await collaborator.GetAsync("/api/agent/chat/sessions")).OkJsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task Machine_sees_its_sessions_with_ticket_and_agent_and_unread_totals()
    {
        var chat = await app.ChatAsync();
        Assert.False((await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync()).GetProperty("hasActiveSessions").GetBoolean());
        var sessionId = await chat.StartSessionAsync();
        await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "um" });
        await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "dois" });

        var sessions = (await (await chat.Machine.GetAsync("/api/machine/chat/sessions")).OkJsonAsync()).EnumerateArray().Single();
        Assert.Equal(sessionId, sessions.GetProperty("sessionId").GetString());
        Assert.Equal(1, sessions.GetProperty("ticketRef").GetInt64());
        Assert.Equal("Impressora não imprime", sessions.GetProperty("ticketSubject").GetString());
        Assert.StartsWith("AGENT", sessions.GetProperty("agentName").GetString());
        Assert.Equal(2, sessions.GetProperty("unreadCount").GetInt64());

        var updates = await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync();
        Assert.True(updates.GetProperty("hasActiveSessions").GetBoolean());
        Assert.Equal(2, updates.GetProperty("totalUnread").GetInt64());
        Assert.Equal(chat.TicketId, updates.GetProperty("sessions")[0].GetProperty("ticketId").GetString());
    }

    [Fact]
    public async Task Relinking_or_unlinking_a_ticket_ends_its_session_as_ticket_sem_maquina()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var other = await chat.Tenant.MachineAsync();
        (await chat.Tenant.Admin.PutAsJsonAsync($"/api/manage/tickets/{chat.TicketId}/machine", new { machineId = other.Id })).EnsureSuccessStatusCode();

        var payload = (await ReadEventAsync(chat.TicketId, Timeline.EndedEventId(sessionId))).GetProperty("payload");
        Assert.True(payload.GetProperty("autoEnded").GetBoolean());
        Assert.Equal("ticket_sem_maquina", payload.GetProperty("reason").GetString());
        Assert.Empty((await (await chat.Machine.GetAsync("/api/machine/chat/sessions")).OkJsonAsync()).EnumerateArray());
    }

    async Task<JsonElement> Session(ChatScenario chat) =>
        await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/session")).OkJsonAsync();

    async Task<JsonElement> ReadEventAsync(string ticketId, string eventId)
    {
        using var response = await app.Store.Events.ReadItemStreamAsync(eventId, new PartitionKey(ticketId));
        Assert.True(response.IsSuccessStatusCode, $"event {eventId} not found");
        return (await JsonDocument.ParseAsync(response.Content)).RootElement.Clone();
    }
}

/// <summary>Presence on the fake clock: online means a heartbeat within the last five minutes.</summary>
public sealed class PresenceTests(CoreApp app) : IClassFixture<CoreApp>
{
    [Fact]
    public async Task A_machine_is_offline_five_minutes_after_its_last_heartbeat()
    {
        var chat = await app.ChatAsync();
        var sessions = app.Get<ChatSessions>();
        app.Time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        Assert.True((await sessions.GetForTicketAsync(chat.Agent, chat.TicketId, default)).MachineOnline);
        app.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await sessions.GetForTicketAsync(chat.Agent, chat.TicketId, default)).MachineOnline);
        var refused = await Assert.ThrowsAsync<LiveChat.Core.Errors.LiveChatException>(() => sessions.StartAsync(chat.Agent, chat.TicketId, default));
        Assert.Equal("machine_offline", refused.Error.Code);
    }
}
