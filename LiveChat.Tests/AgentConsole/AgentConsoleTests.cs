using System.Text.Json;
using LiveChat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveChat.Tests.AgentConsole;

/// <summary>
/// The agent console in a real browser (Chromium) against the running service, the machine played over HTTP as a
/// machine agent would. Screenshots of the main states go to TestResults/console.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AgentConsoleTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    static readonly HttpClient Storage = new();

    static AgentConsoleTests() => SetDefaultExpectTimeout(15_000);

    [Fact]
    public async Task An_agent_chats_with_a_machine_from_the_console()
    {
        var chat = await app.ChatAsync();
        var page = await Browser.NewPageAsync();
        var agentToken = app.AgentToken(chat.AgentId);
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);

        await page.GotoAsync($"{app.BaseAddress}api/console#token={agentToken}");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Conectado — tempo real");
        Assert.DoesNotContain("token", page.Url); // taken out of the address bar
        await Expect(page.GetByText("Nenhuma sessão ativa.")).ToBeVisibleAsync();

        // Open the ticket by its id and start the chat.
        await page.GetByLabel("Abrir ticket pelo ID").FillAsync(chat.TicketId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Abrir", Exact = true }).ClickAsync();
        await Expect(page.Locator("#chat-title")).ToHaveTextAsync("#1 — Impressora não imprime");
        await Expect(page.Locator("#chat-status")).ToContainTextAsync("Sem sessão ativa · máquina online");
        await page.GetByRole(AriaRole.Button, new() { Name = "Iniciar chat" }).ClickAsync();
        await Expect(page.Locator("#chat-status")).ToContainTextAsync("Sessão ativa");
        await Expect(Session(page, chat.TicketId)).ToBeVisibleAsync(); // sessionStarted, pushed
        var machineSessions = await (await chat.Machine.GetAsync("/api/machine/chat/sessions")).OkJsonAsync();
        Assert.Equal(chat.TicketId, Assert.Single(machineSessions.EnumerateArray()).GetProperty("ticketId").GetString());

        // The agent writes; Enter sends, with a clientMessageId of the page's own.
        await page.GetByLabel("Mensagem").FillAsync("Olá! Posso ajudar?");
        await page.GetByLabel("Mensagem").PressAsync("Enter");
        await Expect(page.Locator("#messages .from-agent .body")).ToHaveTextAsync("Olá! Posso ajudar?");
        var agentMessage = (await MachineMessagesAsync(chat, chat.TicketId)).Single();
        Assert.Equal("Olá! Posso ajudar?", agentMessage.GetProperty("body").GetString());
        Assert.StartsWith("web-", agentMessage.GetProperty("clientMessageId").GetString());
        await Expect(page.Locator("#message")).ToHaveValueAsync("");

        // The machine types, then answers: both show live, and the answer is read because the chat is on screen.
        (await chat.Machine.PostAsync($"/api/machine/tickets/{chat.TicketId}/chat/typing", null)).EnsureSuccessStatusCode();
        await Expect(page.Locator("#typing")).ToContainTextAsync("está digitando…");
        var answerId = await MachinePostsAsync(chat, chat.TicketId, "A impressora não imprime");
        await Expect(page.Locator("#messages .from-machine .body")).ToHaveTextAsync("A impressora não imprime");
        await Eventually(async () => (await MachineMessagesAsync(chat, chat.TicketId))
            .Single(m => m.GetProperty("id").GetString() == answerId).GetProperty("readByAgentAt").ValueKind == JsonValueKind.Number);

        // The machine reads the agent's message: the tick turns to read.
        var agentMessageId = agentMessage.GetProperty("id").GetString()!;
        await Expect(page.Locator($"[data-id='{agentMessageId}'] .ticks")).ToHaveTextAsync("✓ Enviada");
        (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/read", new { messageIds = new[] { agentMessageId } })).EnsureSuccessStatusCode();
        await Expect(page.Locator($"[data-id='{agentMessageId}'] .ticks")).ToHaveTextAsync("✓✓ Lida");

        // The agent attaches a picture: upload through the SAS URL with a progress bar, then the message cites it.
        var picture = await page.ScreenshotAsync(new() { Clip = new() { X = 0, Y = 0, Width = 320, Height = 160 } });
        await page.EvalOnSelectorAsync("#upload-progress", """
            progress => {
              window.progressSeen = [];
              new MutationObserver(() => window.progressSeen.push(progress.hidden ? 'hidden' : progress.value))
                .observe(progress, { attributes: true });
            }
            """);
        await page.GetByLabel("Anexar arquivo").SetInputFilesAsync(new FilePayload { Name = "tela.png", MimeType = "image/png", Buffer = picture });
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Remover anexo tela.png" })).ToBeVisibleAsync(); // uploaded
        var progressSeen = await page.EvaluateAsync<JsonElement>("window.progressSeen");
        Assert.Contains(progressSeen.EnumerateArray(), p => p.ValueKind == JsonValueKind.Number && p.GetInt32() == 100);
        Assert.Equal("hidden", progressSeen.EnumerateArray().Last().GetString());
        await page.GetByLabel("Mensagem").FillAsync("Veja a tela");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enviar" }).ClickAsync();
        await Expect(page.Locator("#messages .from-agent a", new() { HasText = "tela.png" })).ToBeVisibleAsync();
        var attached = (await MachineMessagesAsync(chat, chat.TicketId)).Last();
        var attachment = Assert.Single(attached.GetProperty("attachments").EnumerateArray());
        Assert.Equal(picture, await Storage.GetByteArrayAsync(attachment.GetProperty("url").GetString()));

        // Opening it from the page gives the same bytes.
        var popup = await page.RunAndWaitForPopupAsync(() => page.Locator("#messages .from-agent a", new() { HasText = "tela.png" }).ClickAsync());
        await popup.WaitForLoadStateAsync();
        Assert.Equal(picture, await Storage.GetByteArrayAsync(popup.Url));
        await popup.CloseAsync();

        // The machine sends a picture of its own: the page shows it.
        var storageId = await UploadSteps.UploadAsync(chat.Machine, "erro.png", "image/png", picture);
        (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages",
            new { body = "Aparece este erro", attachments = new[] { new { storageId } } })).EnsureSuccessStatusCode();
        var preview = page.Locator("#messages .from-machine img.preview");
        await Expect(preview).ToBeVisibleAsync();
        await Eventually(() => preview.EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 320"));
        await Browser.ScreenshotAsync(page, "1-chat");
        await Browser.AssertAccessibleAsync(page);

        // A second ticket's session, started elsewhere: it appears, and its unread badge rises while another chat is open.
        var otherTicket = await chat.Tenant.TicketAsync(chat.MachineId, reference: 2, subject: "Sem internet");
        (await chat.Agent.PostAsync($"/api/tickets/{otherTicket}/chat/session", null)).EnsureSuccessStatusCode();
        await Expect(Session(page, otherTicket)).ToBeVisibleAsync();
        var otherId = await MachinePostsAsync(chat, otherTicket, "Também estou sem internet");
        await Expect(Session(page, otherTicket).Locator(".badge")).ToHaveTextAsync("1");
        await MachinePostsAsync(chat, otherTicket, "Alguém?");
        await Expect(Session(page, otherTicket).Locator(".badge")).ToHaveTextAsync("2");
        await Browser.ScreenshotAsync(page, "2-unread-badge");
        await Browser.AssertAccessibleAsync(page);

        // Opening it reads them: the badge clears and the machine sees its messages read.
        await Session(page, otherTicket).ClickAsync();
        await Expect(page.Locator("#chat-title")).ToHaveTextAsync("#2 — Sem internet");
        await Expect(page.Locator("#messages .from-machine")).ToHaveCountAsync(2);
        await Expect(Session(page, otherTicket).Locator(".badge")).ToHaveCountAsync(0);
        await Eventually(async () => (await MachineMessagesAsync(chat, otherTicket))
            .Single(m => m.GetProperty("id").GetString() == otherId).GetProperty("readByAgentAt").ValueKind == JsonValueKind.Number);

        // Ending asks for a confirmation, then the session is over on both sides.
        await page.GetByRole(AriaRole.Button, new() { Name = "Encerrar sessão" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirmar encerramento" }).ClickAsync();
        await Expect(page.Locator("#chat-status")).ToContainTextAsync("Sem sessão ativa");
        await Expect(page.Locator(".earlier-session summary")).ToContainTextAsync("2 mensagens, encerrada pelo agente");
        await Expect(Session(page, otherTicket)).ToHaveCountAsync(0);
        await Expect(page.Locator("#chat-title")).ToHaveTextAsync("#2 — Sem internet");
        await Expect(page.GetByLabel("Mensagem")).ToBeHiddenAsync();
        var stillActive = await (await chat.Machine.GetAsync("/api/machine/chat/sessions")).OkJsonAsync();
        Assert.Equal(chat.TicketId, Assert.Single(stillActive.EnumerateArray()).GetProperty("ticketId").GetString());
        await Browser.ScreenshotAsync(page, "3-session-ended");
        await Browser.AssertAccessibleAsync(page);

        // The agent's token only ever travelled in headers: no URL the page asked for holds it.
        Assert.DoesNotContain(requests, url => url.Contains(agentToken));
    }

    [Fact]
    public async Task A_wrong_token_is_refused_and_a_pasted_one_signs_in()
    {
        var tenant = await app.TenantAsync();
        var (agentId, _) = await tenant.UserAsync();
        var page = await Browser.NewPageAsync();

        await page.GotoAsync($"{app.BaseAddress}api/console");
        await page.GetByLabel("Token de acesso").FillAsync("not-a-token");
        await page.GetByLabel("Token de acesso").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Token de acesso inválido ou expirado.");
        await Browser.ScreenshotAsync(page, "0-sign-in");
        await Browser.AssertAccessibleAsync(page);

        await page.GetByLabel("Token de acesso").FillAsync(app.AgentToken(agentId));
        await page.GetByRole(AriaRole.Button, new() { Name = "Entrar" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sessões ativas" })).ToBeVisibleAsync();
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Conectado — tempo real");
        await page.GetByLabel("Abrir ticket pelo ID").FillAsync("no-such-ticket");
        await page.GetByLabel("Abrir ticket pelo ID").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Ticket não encontrado");

        // A refusal of the service shows where the agent acted, in its words.
        var (offlineMachine, _, _) = await tenant.MachineAsync(online: false);
        var ticket = await tenant.TicketAsync(offlineMachine, reference: 7, subject: "Máquina desligada");
        await page.GetByLabel("Abrir ticket pelo ID").FillAsync(ticket);
        await page.GetByLabel("Abrir ticket pelo ID").PressAsync("Enter");
        await Expect(page.Locator("#chat-status")).ToHaveTextAsync("Sem sessão ativa · máquina offline");
        await page.GetByRole(AriaRole.Button, new() { Name = "Iniciar chat" }).ClickAsync();
        await Expect(page.Locator("#chat-error")).ToHaveTextAsync("Máquina offline. A máquina precisa estar online para iniciar o chat.");

        // Kept for this tab only (a reload stays signed in), never in localStorage; "Sair" forgets it.
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sessões ativas" })).ToBeVisibleAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sair" }).ClickAsync();
        await Expect(page.GetByLabel("Token de acesso")).ToBeFocusedAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("sessionStorage.length"));
    }

    [Fact]
    public async Task Everything_can_be_done_from_the_keyboard()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var page = await Browser.NewPageAsync();
        await page.GotoAsync($"{app.BaseAddress}api/console#token={app.AgentToken(chat.AgentId)}");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Conectado — tempo real");

        // Tab to the session, Enter opens it and puts the cursor in the message box; Enter sends.
        await TabToAsync(page, $"document.activeElement.dataset.ticket === '{chat.TicketId}'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByLabel("Mensagem")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("pelo teclado");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#messages .from-agent .body")).ToHaveTextAsync("pelo teclado");

        // Tab to the file input, Space opens the file chooser; back in the message box, Enter sends the attachment.
        await TabToAsync(page, "document.activeElement.id === 'file'");
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Space"));
        await chooser.SetFilesAsync(new FilePayload { Name = "log.txt", MimeType = "text/plain", Buffer = "erro 0x1F"u8.ToArray() });
        await Expect(page.Locator("#pending")).ToContainTextAsync("log.txt");
        await TabToAsync(page, "document.activeElement.id === 'message'", backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#messages .from-agent a", new() { HasText = "log.txt" })).ToBeVisibleAsync();

        // Shift+Tab up to "Encerrar sessão"; Enter, and Enter again to confirm.
        await TabToAsync(page, "document.activeElement.id === 'end-session'", backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#end-session")).ToHaveTextAsync("Confirmar encerramento");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#chat-status")).ToContainTextAsync("Sem sessão ativa");
        Assert.Empty((await (await chat.Machine.GetAsync("/api/machine/chat/sessions")).OkJsonAsync()).EnumerateArray());
    }

    /// <summary>
    /// The ambiguous outcomes of a post: stored, but the page heard a network error or a 503. The console sends it
    /// again by itself with the same clientMessageId, and one message is stored and shown.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_post_stored_but_answered_with_a_network_error_or_a_503_is_sent_again_and_stored_once(bool answer503)
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var page = await Browser.NewPageAsync();
        var posts = 0;
        await page.RouteAsync($"**/api/tickets/{chat.TicketId}/chat/messages", async route =>
        {
            if (route.Request.Method != "POST" || Interlocked.Increment(ref posts) > 1)
            {
                await route.ContinueAsync();
                return;
            }
            await route.FetchAsync(); // the service stores it; the page never hears so
            if (answer503)
                await route.FulfillAsync(new() { Status = 503, ContentType = "application/problem+json", Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
                    Body = """{"code":"store_unavailable","status":503,"title":"Store unavailable, retry later","detail":"Serviço temporariamente indisponível. Tente novamente."}""" });
            else await route.AbortAsync("connectionreset");
        });
        await page.GotoAsync($"{app.BaseAddress}api/console#ticket={chat.TicketId}&token={app.AgentToken(chat.AgentId)}");
        await Expect(page.Locator("#chat-status")).ToContainTextAsync("Sessão ativa");

        await page.GetByLabel("Mensagem").FillAsync("uma vez só");
        await page.GetByLabel("Mensagem").PressAsync("Enter");

        await Expect(page.Locator("#message")).ToHaveValueAsync("");
        await Expect(page.Locator("#messages .from-agent .body")).ToHaveTextAsync("uma vez só");
        Assert.Equal(2, posts);
        Assert.Single(await MachineMessagesAsync(chat, chat.TicketId));
        await Expect(page.Locator("#composer-error")).ToHaveTextAsync("");
    }

    /// <summary>
    /// A file still uploading when the agent presses Enter goes with that message: sending waits for the upload (the
    /// Send button says so) instead of posting without it. A failed upload sends nothing and says why; the text stays.
    /// </summary>
    [Fact]
    public async Task Enter_pressed_while_a_file_uploads_sends_the_message_with_the_file_once_it_is_up()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var page = await Browser.NewPageAsync();
        var release = new TaskCompletionSource();
        var fail = false;
        // Blob Storage answers the PUT only when the test lets it: a slow upload.
        await page.RouteAsync(url => url.Contains("/devstoreaccount1/"), async route =>
        {
            if (route.Request.Method != "PUT")
            {
                await route.ContinueAsync();
                return;
            }
            await release.Task;
            if (fail) await route.AbortAsync("connectionreset");
            else await route.ContinueAsync();
        });
        await page.GotoAsync($"{app.BaseAddress}api/console#ticket={chat.TicketId}&token={app.AgentToken(chat.AgentId)}");
        await Expect(page.Locator("#chat-status")).ToContainTextAsync("Sessão ativa");

        var pdf = System.Text.Encoding.ASCII.GetBytes("%PDF-1.7\n% lento\n");
        await page.GetByLabel("Anexar arquivo").SetInputFilesAsync(new FilePayload { Name = "lento.pdf", MimeType = "application/pdf", Buffer = pdf });
        await Expect(page.Locator("#pending")).ToContainTextAsync("lento.pdf — enviando…");
        await page.GetByLabel("Mensagem").FillAsync("segue o arquivo");
        await page.GetByLabel("Mensagem").PressAsync("Enter");
        await Expect(page.Locator("#send")).ToHaveTextAsync("Aguardando anexo…");
        await Expect(page.Locator("#send")).ToBeDisabledAsync();
        await Task.Delay(500);
        Assert.Empty(await MachineMessagesAsync(chat, chat.TicketId)); // nothing went without the file

        release.SetResult();
        await Expect(page.Locator("#messages .from-agent a", new() { HasText = "lento.pdf" })).ToBeVisibleAsync();
        var sent = Assert.Single(await MachineMessagesAsync(chat, chat.TicketId));
        Assert.Equal("segue o arquivo", sent.GetProperty("body").GetString());
        var attachment = Assert.Single(sent.GetProperty("attachments").EnumerateArray());
        Assert.Equal(pdf, await Storage.GetByteArrayAsync(attachment.GetProperty("url").GetString()));
        await Expect(page.Locator("#send")).ToHaveTextAsync("Enviar");
        await Expect(page.Locator("#pending")).ToHaveTextAsync("");

        // An upload that fails while the message waits for it: nothing is sent, the agent is told, the text is kept.
        release = new TaskCompletionSource();
        await page.GetByLabel("Anexar arquivo").SetInputFilesAsync(new FilePayload { Name = "falha.pdf", MimeType = "application/pdf", Buffer = pdf });
        await page.GetByLabel("Mensagem").FillAsync("este não vai");
        await page.GetByLabel("Mensagem").PressAsync("Enter");
        await Expect(page.Locator("#send")).ToHaveTextAsync("Aguardando anexo…");
        fail = true;
        release.SetResult();
        await Expect(page.Locator("#composer-error")).ToContainTextAsync("O anexo falha.pdf não foi enviado");
        await Expect(page.Locator("#message")).ToHaveValueAsync("este não vai");
        Assert.Single(await MachineMessagesAsync(chat, chat.TicketId));
    }

    /// <summary>Presses Tab (or Shift+Tab) until the focused element is the one described, as a keyboard user would.</summary>
    static async Task TabToAsync(IPage page, string isFocused, bool backwards = false)
    {
        for (var presses = 0; presses < 40; presses++)
        {
            if (await page.EvaluateAsync<bool>(isFocused)) return;
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
        }
        Assert.Fail($"Not reached with the keyboard: {isFocused}");
    }

    static ILocator Session(IPage page, string ticketId) => page.Locator($"button.session[data-ticket='{ticketId}']");

    static async Task<string> MachinePostsAsync(ChatScenario chat, string ticketId, string body) =>
        (await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{ticketId}/chat/messages", new { body })).OkJsonAsync(201))
        .GetProperty("messageId").GetString()!;

    static async Task<List<JsonElement>> MachineMessagesAsync(ChatScenario chat, string ticketId) =>
        [.. (await (await chat.Machine.GetAsync($"/api/machine/tickets/{ticketId}/chat/messages")).OkJsonAsync()).GetProperty("messages").EnumerateArray()];

    static async Task Eventually(Func<Task<bool>> condition) =>
        Assert.True(await Poll.UntilAsync(condition, 15_000), "The condition did not hold in time.");
}
