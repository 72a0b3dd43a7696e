using LiveChat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveChat.Tests.AgentConsole;

[Collection(BrowserCollection.Name)]
public sealed class AgentConsoleReconnectTests(RestartableSignalRApp app) : IClassFixture<RestartableSignalRApp>
{
    static AgentConsoleReconnectTests() => SetDefaultExpectTimeout(15_000);

    [Fact]
    public async Task The_console_reconnects_after_SignalR_restarts_and_catches_up()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var page = await Browser.NewPageAsync();
        // The link ./run.sh prints: signed in, on the ticket.
        await page.GotoAsync($"{app.BaseAddress}api/console#ticket={chat.TicketId}&token={app.AgentToken(chat.AgentId)}");
        await Expect(page.Locator("#chat-status")).ToContainTextAsync("Sessão ativa");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Conectado — tempo real");
        await Post(chat, "antes da queda");
        await Expect(page.Locator("#messages .from-machine .body")).ToHaveTextAsync(["antes da queda"]);

        await app.StopSignalRAsync();
        await Expect(page.Locator("#connection")).Not.ToHaveTextAsync("Conectado — tempo real");
        await Post(chat, "durante a queda"); // its push is lost
        await Browser.ScreenshotAsync(page, "4-reconnecting");

        await app.StartSignalRAsync();
        // Retries back off to 10 s; the reconnect negotiates again (joining the agents' group on the new service).
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Conectado — tempo real", new() { Timeout = 30_000 });
        await Expect(page.Locator("#messages .from-machine .body")).ToHaveTextAsync(["antes da queda", "durante a queda"]);
        await Expect(page.Locator(".session .badge")).ToHaveCountAsync(0); // read: the chat is on screen

        // Live again: a new message arrives by push.
        await Post(chat, "depois da volta");
        await Expect(page.Locator("#messages .from-machine .body")).ToHaveTextAsync(["antes da queda", "durante a queda", "depois da volta"]);
    }

    [Fact]
    public async Task The_console_comes_back_from_a_network_drop_on_its_own()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var page = await Browser.NewPageAsync();
        await page.GotoAsync($"{app.BaseAddress}api/console#ticket={chat.TicketId}&token={app.AgentToken(chat.AgentId)}");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Conectado — tempo real");

        // The browser loses the network (Chromium's offline emulation): the page says so, and once the network is
        // back it reconnects and fetches what the machine wrote meanwhile.
        await page.Context.SetOfflineAsync(true);
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Sem rede — aguardando");
        await Post(chat, "enquanto estava sem rede");
        await Browser.ScreenshotAsync(page, "5-no-network");
        await page.Context.SetOfflineAsync(false);

        await Expect(page.Locator("#connection")).ToHaveTextAsync("Conectado — tempo real", new() { Timeout = 30_000 });
        await Expect(page.Locator("#messages .from-machine .body")).ToHaveTextAsync(["enquanto estava sem rede"]);
        await Post(chat, "de volta");
        await Expect(page.Locator("#messages .from-machine .body")).ToHaveTextAsync(["enquanto estava sem rede", "de volta"]);
    }

    static async Task Post(ChatScenario chat, string body) =>
        (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body })).EnsureSuccessStatusCode();
}
