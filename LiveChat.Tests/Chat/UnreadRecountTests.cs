using LiveChat.Core.Chat;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Chat;

/// <summary>
/// A 3 s request deadline (a busy CI machine still answers within it), so a message is settled (no request can still
/// be between its two writes) 6 s after its last change, and every sweep run recounts every active session.
/// </summary>
public sealed class RecountApp : LiveChatApp
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["LiveChat:RequestDeadline"] = "00:00:03",
        ["LiveChat:UnreadRecountEvery"] = "00:01:00",
    };
}

public sealed class UnreadRecountTests(RecountApp app) : IClassFixture<RecountApp>
{
    async Task<SessionDocument> SessionAsync(string sessionId, string machineId) =>
        (await app.Store.SessionAsync(sessionId));

    async Task SweepAsync()
    {
        var runs = app.Logs.Count(l => l.Contains("Sweep checked"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await app.CreateClient().PostAsync("/admin/functions/AutoEndInactiveSessions", null)).StatusCode);
        Assert.True(await Poll.UntilAsync(() => app.Logs.Count(l => l.Contains("Sweep checked")) > runs), "the sweep did not run");
    }

    [Fact]
    public async Task The_sweep_corrects_counters_that_failed_writes_left_wrong_once_their_messages_settle_and_pushes_them()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        await using var machine = await LiveClient.ConnectAsync(app, "/api/machine", chat.MachineToken);
        await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "contado" })).OkJsonAsync(201);
        var read = (await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "lida" })).OkJsonAsync(201))
            .GetProperty("messageId").GetString()!;
        var session = await SessionAsync(sessionId, chat.MachineId);
        Assert.Equal((1L, 1L), (session.UnreadByMachine, session.UnreadByAgent));

        // A post that died between storing its message and counting it, and a mark-read whose counter write failed.
        var uncounted = new MessageDocument
        {
            Id = MessageDocument.IdFor(sessionId, $"agent:{chat.AgentId}", "lost-count"), TicketId = chat.TicketId, TenantId = session.TenantId,
            SessionId = sessionId, AuthorId = chat.AgentId, AuthorSnapshot = session.AgentSnapshot, FromMachine = false, Body = "não contada",
            ClientMessageId = "lost-count", CreatedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(),
            ReadByAgentAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await app.Store.Messages.CreateItemAsync(uncounted, new PartitionKey(chat.TicketId));
        await app.Store.Messages.PatchItemAsync<MessageDocument>(read, new PartitionKey(chat.TicketId),
            [PatchOperation.Set("/readByAgentAt", TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds())]);

        // Still in flight as far as the sweep can tell: a request may yet write its counter, so it is left alone.
        await SweepAsync();
        session = await SessionAsync(sessionId, chat.MachineId);
        Assert.Equal((1L, 1L), (session.UnreadByMachine, session.UnreadByAgent));

        await Task.Delay(TimeSpan.FromSeconds(6.5));
        await SweepAsync();
        session = await SessionAsync(sessionId, chat.MachineId);
        Assert.Equal((2L, 0L), (session.UnreadByMachine, session.UnreadByAgent));
        await machine.WaitForAsync(ChatEvents.UnreadChanged, p => p.GetProperty("unreadCount").GetInt64() == 2);
        Assert.Equal(2, (await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync()).GetProperty("totalUnread").GetInt64());

        // The lost post's retry finds its message counted now, and counts it no second time.
        await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "não contada", clientMessageId = "lost-count" })).OkJsonAsync(200);
        Assert.Equal(2, (await SessionAsync(sessionId, chat.MachineId)).UnreadByMachine);
        Assert.True(await app.LoggedAsync(l => l.Contains($"Unread counters of session {sessionId} corrected")));
    }
}
