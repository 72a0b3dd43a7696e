using System.Text.Json;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.AgentConsole;

/// <summary>
/// The TypeScript client's reactive view in Chromium, loaded as the console loads it (/api/console/livechat-client.js,
/// under the console's Content-Security-Policy): two tabs of two agents on one ticket; one posts, the other's
/// snapshot shows the message through push (its safety poll is set far beyond the test).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReactiveViewTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    const string Watch = """
        async ([ticketId, token]) => {
          const { AgentChatClient } = await import('/api/console/livechat-client.js');
          window.client = new AgentChatClient({ baseUrl: location.origin, token });
          window.changes = 0;
          window.view = window.client.watchTicketChat(ticketId, () => { window.changes++; }, { pollEveryMs: 600000, safetyPollEveryMs: 600000 });
        }
        """;

    [Fact]
    public async Task A_message_posted_in_one_tab_appears_in_the_other_tabs_live_view()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var (otherAgentId, _) = await chat.Tenant.UserAsync();
        var watching = await Browser.NewPageAsync();
        var posting = await Browser.NewPageAsync();
        foreach (var page in new[] { watching, posting }) await page.GotoAsync($"{app.BaseAddress}api/console");

        await watching.EvaluateAsync(Watch, new[] { chat.TicketId, app.AgentToken(chat.AgentId) });
        await posting.EvaluateAsync(Watch, new[] { chat.TicketId, app.AgentToken(otherAgentId) });
        // The first snapshot; from then on no poll is due for ten minutes: only push (or its reconnect) brings changes.
        await watching.WaitForFunctionAsync("() => window.view.snapshot.session?.sessionId", null, new() { Timeout = 15_000 });

        await posting.EvaluateAsync("ticketId => window.client.postMessage(ticketId, 'Olá da outra aba')", chat.TicketId);
        await watching.WaitForFunctionAsync("() => window.view.snapshot.messages.some(m => m.body === 'Olá da outra aba')", null,
            new() { Timeout = 15_000 });

        // The machine reads it: the read tick reaches the watching tab's snapshot as well.
        var messageId = await watching.EvaluateAsync<string>("() => window.view.snapshot.messages.find(m => m.body === 'Olá da outra aba').id");
        (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/read", new { messageIds = new[] { messageId } })).EnsureSuccessStatusCode();
        await watching.WaitForFunctionAsync($"() => window.view.snapshot.messages.find(m => m.id === '{messageId}').readByMachineAt", null,
            new() { Timeout = 15_000 });
        var snapshot = await watching.EvaluateAsync<JsonElement>("() => window.view.snapshot");
        Assert.True(snapshot.GetProperty("session").GetProperty("machineOnline").GetBoolean());
        Assert.True(await watching.EvaluateAsync<int>("() => window.changes") >= 2);
    }
}
