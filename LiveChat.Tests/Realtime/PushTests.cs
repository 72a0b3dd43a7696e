using LiveChat.Core.Chat;
using System.Text.Json;
using LiveChat.Core.Machines;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Realtime;

public sealed class PushTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    [Fact]
    public async Task Machine_and_agent_hear_each_others_messages_and_the_session_start_and_end()
    {
        var chat = await app.ChatAsync();
        await using var machine = await LiveClient.ConnectAsync(app, "/api/machine", chat.MachineToken);
        await using var agent = await LiveClient.ConnectAsync(app, "/api/agent", app.AgentToken(chat.AgentId));

        var sessionId = await chat.StartSessionAsync();
        Assert.Equal(chat.TicketId, (await machine.WaitForAsync(ChatEvents.SessionStarted)).GetProperty("ticketId").GetString());
        await agent.WaitForAsync(ChatEvents.SessionStarted, p => p.GetProperty("sessionId").GetString() == sessionId);

        var fromAgent = await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "Olá!" })).OkJsonAsync(201);
        var heard = await machine.WaitForAsync(ChatEvents.MessageCreated, p => p.GetProperty("messageId").GetString() == fromAgent.GetProperty("messageId").GetString());
        Assert.Equal("Olá!", heard.GetProperty("preview").GetString());
        Assert.Equal(1, (await machine.WaitForAsync(ChatEvents.UnreadChanged)).GetProperty("unreadCount").GetInt64());

        var fromMachine = await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "Oi" })).OkJsonAsync(201);
        await agent.WaitForAsync(ChatEvents.MessageCreated, p => p.GetProperty("messageId").GetString() == fromMachine.GetProperty("messageId").GetString());

        (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/read", new { messageIds = new[] { fromAgent.GetProperty("messageId").GetString() } })).EnsureSuccessStatusCode();
        Assert.Equal("machine", (await agent.WaitForAsync(ChatEvents.MessagesRead)).GetProperty("readBy").GetString());

        (await chat.Agent.PostAsync($"/api/chat/sessions/{sessionId}/end", null)).EnsureSuccessStatusCode();
        await machine.WaitForAsync(ChatEvents.SessionEnded, p => p.GetProperty("sessionId").GetString() == sessionId);
        await agent.WaitForAsync(ChatEvents.SessionEnded);
    }

    [Fact]
    public async Task Read_receipts_carry_their_time_in_the_event_and_survive_a_reload()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        await using var agent = await LiveClient.ConnectAsync(app, "/api/agent", app.AgentToken(chat.AgentId));
        var sent = await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "leu?" })).OkJsonAsync(201);
        var id = sent.GetProperty("messageId").GetString();
        var created = await agent.WaitForAsync(ChatEvents.MessageCreated, p => p.GetProperty("messageId").GetString() == id);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("readByMachineAt").ValueKind);
        Assert.Equal(sent.GetProperty("createdAt").GetInt64(), created.GetProperty("readByAgentAt").GetInt64());

        (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/read", new { messageIds = new[] { id } })).EnsureSuccessStatusCode();
        var read = await agent.WaitForAsync(ChatEvents.MessagesRead);
        var readAt = read.GetProperty("readAt").GetInt64();

        var reloaded = (await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages")).OkJsonAsync()).GetProperty("messages")[0];
        Assert.Equal(readAt, reloaded.GetProperty("readByMachineAt").GetInt64());
        var history = (await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/history")).OkJsonAsync())
            .GetProperty("sessions")[0].GetProperty("messages")[0];
        Assert.Equal(readAt, history.GetProperty("readByMachineAt").GetInt64());
    }

    [Fact]
    public async Task Another_tenants_agent_hears_nothing()
    {
        var chat = await app.ChatAsync();
        var stranger = await app.TenantAsync();
        var (strangerId, _) = await stranger.UserAsync();
        await using var eavesdropper = await LiveClient.ConnectAsync(app, "/api/agent", app.AgentToken(strangerId));
        await using var agent = await LiveClient.ConnectAsync(app, "/api/agent", app.AgentToken(chat.AgentId));

        await chat.StartSessionAsync();
        await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "segredo" });
        await agent.WaitForAsync(ChatEvents.MessageCreated);
        await Task.Delay(300);
        Assert.Empty(eavesdropper.Received);
    }

    [Fact]
    public async Task After_a_dropped_connection_the_machine_reconnects_and_catches_up_with_the_cursor()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var messages = $"/api/machine/tickets/{chat.TicketId}/chat/messages";
        var machine = await LiveClient.ConnectAsync(app, "/api/machine", chat.MachineToken);
        await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "antes" });
        var cursor = (await machine.WaitForAsync(ChatEvents.MessageCreated)).GetProperty("cursor").GetString();
        await machine.DisposeAsync();

        foreach (var body in new[] { "perdida 1", "perdida 2", "perdida 3" })
        {
            await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body });
        }

        await using var again = await LiveClient.ConnectAsync(app, "/api/machine", chat.MachineToken);
        var missed = await (await chat.Machine.GetAsync($"{messages}?since={cursor}")).OkJsonAsync();
        Assert.Equal(["perdida 1", "perdida 2", "perdida 3"], missed.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetString()));
        await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "depois" });
        Assert.Equal("depois", (await again.WaitForAsync(ChatEvents.MessageCreated)).GetProperty("preview").GetString());
    }

    [Fact]
    public async Task Sessions_ended_by_unlinking_or_by_the_sweep_are_pushed()
    {
        var unlinked = await app.ChatAsync();
        await using var first = await LiveClient.ConnectAsync(app, "/api/machine", unlinked.MachineToken);
        var unlinkedSession = await unlinked.StartSessionAsync();
        (await unlinked.Tenant.Admin.DeleteAsync($"/api/manage/tickets/{unlinked.TicketId}/machine")).EnsureSuccessStatusCode();
        var ended = await first.WaitForAsync(ChatEvents.SessionEnded, p => p.GetProperty("sessionId").GetString() == unlinkedSession);
        Assert.Equal("ticket_sem_maquina", ended.GetProperty("reason").GetString());

        var offline = await app.ChatAsync();
        await using var second = await LiveClient.ConnectAsync(app, "/api/machine", offline.MachineToken);
        var offlineSession = await offline.StartSessionAsync();
        // The machine's last heartbeat moves 6 minutes back; then the host runs the timer function now.
        await app.Store.Machines.PatchItemAsync<MachineDocument>(offline.MachineId, new PartitionKey(offline.MachineId),
            [PatchOperation.Set("/lastHeartbeatAt", TimeProvider.System.GetUtcNow().AddMinutes(-6).ToUnixTimeMilliseconds())]);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await app.CreateClient().PostAsync("/admin/functions/AutoEndInactiveSessions", null)).StatusCode);
        var swept = await second.WaitForAsync(ChatEvents.SessionEnded, p => p.GetProperty("sessionId").GetString() == offlineSession);
        Assert.Equal("maquina_offline", swept.GetProperty("reason").GetString());
        Assert.True(swept.GetProperty("autoEnded").GetBoolean());
    }

    [Fact]
    public async Task Negotiate_needs_a_valid_caller()
    {
        await (await app.CreateClient().PostAsync("/api/machine/negotiate", null)).AssertProblemAsync(401, "machine_token_missing");
        var tenant = await app.TenantAsync();
        var (_, collaborator) = await tenant.UserAsync("COLLABORATOR");
        await (await collaborator.PostAsync("/api/agent/negotiate", null)).AssertProblemAsync(403, "forbidden_role");
    }
}

/// <summary>SignalR Service unreachable: every API call still succeeds; push is best-effort.</summary>
public sealed class SignalRDownApp : LiveChatApp
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["SignalR:ConnectionString"] = $"Endpoint=http://127.0.0.1:{LocalStack.FreePort()};AccessKey={LocalStack.SignalRAccessKey};Version=1.0;",
    };
}

public sealed class PushOutageTests(SignalRDownApp app) : IClassFixture<SignalRDownApp>
{
    [Fact]
    public async Task With_SignalR_down_the_api_still_answers_2xx()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "oi" })).OkJsonAsync(201);
        await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "oi" })).OkJsonAsync(201);
        await (await chat.Agent.PostAsync($"/api/agent/negotiate", null)).AssertProblemAsync(503, "realtime_unavailable");
        await (await chat.Agent.PostAsync($"/api/chat/sessions/{sessionId}/end", null)).OkJsonAsync();
        Assert.True(await app.LoggedAsync(l => l.Contains("SignalR send failed")));
    }
}

/// <summary>
/// SignalR Service stalled, as a paused process looks from outside: its port accepts connections and never answers.
/// </summary>
public sealed class SignalRStalledApp : LiveChatApp
{
    static readonly System.Net.Sockets.TcpListener BlackHole = Listen();

    static System.Net.Sockets.TcpListener Listen()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start(backlog: 1000);
        return listener;
    }

    protected override Dictionary<string, string?> Settings => new()
    {
        ["SignalR:ConnectionString"] = $"Endpoint=http://127.0.0.1:{((System.Net.IPEndPoint)BlackHole.LocalEndpoint).Port};AccessKey={LocalStack.SignalRAccessKey};Version=1.0;",
    };
}

public sealed class StalledPushTests(SignalRStalledApp stalled, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<SignalRStalledApp>
{
    // A call that waited for SignalR would take at least one attempt (PublishTimeout / PublishAttempts = 1 s);
    // one that waited for a whole publish, 3 s. The bounds below sit between those and what a loaded machine costs.
    static readonly TimeSpan OneAttempt = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_stalled_signalr_never_holds_a_write_and_its_breaker_makes_negotiate_fail_at_once()
    {
        var chat = await stalled.ChatAsync();
        await chat.StartSessionAsync(); // its pushes time out and trip the breaker
        var times = new List<TimeSpan>();
        for (var i = 0; i < 20; i++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = $"m{i}" })).EnsureSuccessStatusCode();
            times.Add(watch.Elapsed);
        }
        var median = times.Order().ElementAt(times.Count / 2);
        output.WriteLine($"posts with SignalR stalled: median {median.TotalMilliseconds:F1} ms, slowest {times.Max().TotalMilliseconds:F1} ms");
        Assert.True(median < OneAttempt, $"median post {median} waited for SignalR");
        Assert.True(times.Max() < 3 * OneAttempt, $"a post took {times.Max()}: it waited for a whole publish");

        Assert.True(await stalled.LoggedAsync(l => l.Contains("BrokenCircuitException")), "the breaker never opened");
        var negotiate = System.Diagnostics.Stopwatch.StartNew();
        await (await chat.Agent.PostAsync("/api/agent/negotiate", null)).AssertProblemAsync(503, "realtime_unavailable");
        Assert.True(negotiate.Elapsed < 2 * OneAttempt, $"negotiate took {negotiate.Elapsed}: the open breaker should refuse at once");
    }
}

public sealed class TypingTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    [Fact]
    public async Task Typing_reaches_only_the_other_side_at_most_every_two_seconds()
    {
        var chat = await app.ChatAsync();
        await (await chat.Machine.PostAsync($"/api/machine/tickets/{chat.TicketId}/chat/typing", null)).AssertProblemAsync(409, "session_not_active");
        var sessionId = await chat.StartSessionAsync();
        await using var machine = await LiveClient.ConnectAsync(app, "/api/machine", chat.MachineToken);
        await using var agent = await LiveClient.ConnectAsync(app, "/api/agent", app.AgentToken(chat.AgentId));

        var first = await (await chat.Machine.PostAsync($"/api/machine/tickets/{chat.TicketId}/chat/typing", null)).OkJsonAsync(202);
        Assert.True(first.GetProperty("pushed").GetBoolean());
        var heard = await agent.WaitForAsync(ChatEvents.Typing);
        Assert.Equal((chat.TicketId, sessionId, true), (heard.GetProperty("ticketId").GetString(), heard.GetProperty("sessionId").GetString(), heard.GetProperty("fromMachine").GetBoolean()));
        var again = await (await chat.Machine.PostAsync($"/api/machine/tickets/{chat.TicketId}/chat/typing", null)).OkJsonAsync(202);
        Assert.False(again.GetProperty("pushed").GetBoolean());

        await (await chat.Agent.PostAsync($"/api/tickets/{chat.TicketId}/chat/typing", null)).OkJsonAsync(202);
        Assert.False((await machine.WaitForAsync(ChatEvents.Typing)).GetProperty("fromMachine").GetBoolean());
        await Task.Delay(300);
        Assert.Single(agent.Received, e => e.Target == ChatEvents.Typing);
        Assert.Single(machine.Received, e => e.Target == ChatEvents.Typing);

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.True((await (await chat.Machine.PostAsync($"/api/machine/tickets/{chat.TicketId}/chat/typing", null)).OkJsonAsync(202)).GetProperty("pushed").GetBoolean());
        var (_, collaborator) = await chat.Tenant.UserAsync("COLLABORATOR");
        await (await collaborator.PostAsync($"/api/tickets/{chat.TicketId}/chat/typing", null)).AssertProblemAsync(403, "forbidden_role");
    }
}
