using System.Collections.Concurrent;
using LiveChat.Client;
using LiveChat.Tests.Infrastructure;
using LiveChat.Tests.Realtime;

namespace LiveChat.Tests.Clients;

/// <summary>LiveChat.Client against the real worker under the local host.</summary>
public sealed class ClientLibraryTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    static readonly FeedOptions Quick = new() { PollEvery = TimeSpan.FromMilliseconds(200), ReconnectEvery = TimeSpan.FromSeconds(1) };

    Task<(MachineChatClient Machine, AgentChatClient Agent, StartedSession Session)> InSessionAsync(ChatScenario chat, HttpClient? machineHttp = null) =>
        ClientSteps.InSessionAsync(app, chat, machineHttp);

    sealed class StatusRecorder : DelegatingHandler
    {
        public ConcurrentQueue<int> Statuses { get; } = new();
        public StatusRecorder() : base(new HttpClientHandler()) { }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            Statuses.Enqueue((int)response.StatusCode);
            return response;
        }
    }

    [Fact]
    public async Task The_machine_poll_revalidates_its_last_answer_and_an_unchanged_one_is_not_sent_again()
    {
        var chat = await app.ChatAsync();
        var recorder = new StatusRecorder();
        var (machine, agent, _) = await InSessionAsync(chat, new HttpClient(recorder));

        var first = await machine.GetUpdatesAsync();
        var again = await machine.GetUpdatesAsync();
        Assert.Equal(first.TotalUnread, again.TotalUnread);
        Assert.Equal(first.Sessions.Single().TicketId, again.Sessions.Single().TicketId);
        await agent.PostMessageAsync(chat.TicketId, "novidade");
        Assert.Equal(1, (await machine.GetUpdatesAsync()).TotalUnread);
        Assert.Single(await machine.GetSessionsAsync());
        Assert.Single(await machine.GetSessionsAsync());

        Assert.Equal([200, 200, 304, 200, 200, 304], recorder.Statuses); // heartbeat, poll, poll unchanged, poll changed, sessions, sessions unchanged
    }

    static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 10_000)
    {
        if (!await Poll.UntilAsync(condition, timeoutMs)) throw new TimeoutException("The condition did not hold in time.");
    }

    [Fact]
    public async Task A_whole_conversation_both_ways_each_message_heard_once_by_each_side()
    {
        var chat = await app.ChatAsync();
        var (machine, agent, session) = await InSessionAsync(chat);
        Assert.True(session.IsNew);

        var machineHeard = new ConcurrentQueue<ChatMessage>();
        var agentHeard = new ConcurrentQueue<ChatMessage>();
        using var stop = new CancellationTokenSource();
        var watching = Task.WhenAll(
            machine.WatchMessagesAsync(chat.TicketId, null, m => { machineHeard.Enqueue(m); return Task.CompletedTask; }, Quick, stop.Token),
            agent.WatchMessagesAsync(chat.TicketId, null, m => { agentHeard.Enqueue(m); return Task.CompletedTask; }, Quick, stop.Token));

        var hello = await agent.PostMessageAsync(chat.TicketId, "Olá! Posso ajudar?");
        await WaitUntilAsync(() => machineHeard.Count == 1);
        var answer = await machine.PostMessageAsync(chat.TicketId, "A impressora não imprime");
        await WaitUntilAsync(() => agentHeard.Count == 2 && machineHeard.Count == 2);
        Assert.Equal([hello.MessageId, answer.MessageId], machineHeard.Select(m => m.Id));
        Assert.Equal([hello.MessageId, answer.MessageId], agentHeard.Select(m => m.Id));

        Assert.Equal(1, (await machine.GetUpdatesAsync()).TotalUnread);
        Assert.Equal(1, (await machine.MarkReadAsync(chat.TicketId, [hello.MessageId])).Processed);
        Assert.Equal(0, (await machine.GetUpdatesAsync()).TotalUnread);
        Assert.Single(await agent.GetSessionsAsync(), s => s.SessionId == session.SessionId);
        await agent.EndSessionAsync(session.SessionId);
        var history = await agent.GetHistoryAsync(chat.TicketId);
        Assert.Equal(2, history.Sessions.Single().MessageCount);
        var refused = await Assert.ThrowsAsync<LiveChatException>(() => agent.EndSessionAsync(session.SessionId));
        Assert.Equal((409, "session_not_active"), (refused.Status, refused.Code));

        await Task.Delay(300);
        Assert.Equal(2, machineHeard.Count);
        stop.Cancel();
        await watching;
    }

    [Fact]
    public async Task Messages_sent_while_a_client_was_away_arrive_once_when_it_comes_back()
    {
        var chat = await app.ChatAsync();
        var (machine, agent, _) = await InSessionAsync(chat);
        var heard = new ConcurrentQueue<ChatMessage>();
        Task Hear(ChatMessage m) { heard.Enqueue(m); return Task.CompletedTask; }

        using (var away = new CancellationTokenSource())
        {
            var first = machine.WatchMessagesAsync(chat.TicketId, null, Hear, Quick, away.Token);
            await agent.PostMessageAsync(chat.TicketId, "antes");
            await WaitUntilAsync(() => heard.Count == 1);
            away.Cancel();
            await first;
        }
        foreach (var text in new[] { "um", "dois", "três" }) await agent.PostMessageAsync(chat.TicketId, text);

        using var back = new CancellationTokenSource();
        var again = machine.WatchMessagesAsync(chat.TicketId, heard.Last().Cursor, Hear, Quick, back.Token);
        await WaitUntilAsync(() => heard.Count == 4);
        await agent.PostMessageAsync(chat.TicketId, "depois");
        await WaitUntilAsync(() => heard.Count == 5);
        await Task.Delay(500);
        back.Cancel();
        await again;
        Assert.Equal(["antes", "um", "dois", "três", "depois"], heard.Select(m => m.Body));
    }

    /// <summary>
    /// The ambiguous outcomes: the post was stored, but the caller heard a network error, or a 503 (a deadline that
    /// passed after the write). Either way the retry carries the same clientMessageId and one message is stored.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_post_stored_but_answered_with_a_network_error_or_a_503_is_retried_and_stores_one_message(bool answer503)
    {
        var chat = await app.ChatAsync();
        var dropping = new DropFirstResponse(answer503);
        var (machine, agent, _) = await InSessionAsync(chat, new HttpClient(dropping));

        var posted = await machine.PostMessageAsync(chat.TicketId, "só uma vez");
        Assert.Equal(1, dropping.Dropped);
        var listed = await agent.ListMessagesAsync(chat.TicketId);
        Assert.Equal(posted.MessageId, Assert.Single(listed.Messages).Id);
        Assert.Equal(1, listed.UnreadCount);
    }

    [Fact]
    public async Task An_upload_reports_its_progress_and_is_attached()
    {
        var chat = await app.ChatAsync();
        var (machine, agent, _) = await InSessionAsync(chat);
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 300_000).Select(i => (byte)(i % 251))];
        var reported = new ConcurrentQueue<long>();

        var id = await machine.UploadAsync(new MemoryStream(png), "tela.png", "image/png", new SyncProgress(reported.Enqueue));
        await machine.PostMessageAsync(chat.TicketId, "segue a tela", [id]);

        Assert.True(reported.Count > 1, "progress was reported as the bytes went");
        Assert.Equal(png.Length, reported.Last());
        Assert.True(reported.Zip(reported.Skip(1)).All(p => p.First < p.Second));
        var attachment = Assert.Single(Assert.Single((await agent.ListMessagesAsync(chat.TicketId)).Messages).Attachments);
        Assert.Equal(("tela.png", png.Length), (attachment.Name, (int)attachment.Size));
        Assert.Equal(png, await new HttpClient().GetByteArrayAsync(attachment.Url));
    }

    /// <summary>Sends the first post on, so the service stores it, and then loses its answer (or turns it into a 503).</summary>
    sealed class DropFirstResponse(bool answer503 = false) : DelegatingHandler(new SocketsHttpHandler())
    {
        public int Dropped;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/chat/messages")
                && Interlocked.CompareExchange(ref Dropped, 1, 0) == 0)
            {
                response.Dispose();
                if (!answer503) throw new HttpRequestException("connection reset (simulated)");
                return new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable)
                {
                    Content = new StringContent("""{"code":"store_unavailable","status":503,"title":"Store unavailable, retry later","detail":"Serviço temporariamente indisponível."}""",
                        System.Text.Encoding.UTF8, "application/problem+json"),
                    Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1)) },
                };
            }
            return response;
        }
    }

    sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

/// <summary>With SignalR unreachable, the machine client still hears everything, by polling.</summary>
public sealed class ClientWithoutPushTests(SignalRDownApp app) : IClassFixture<SignalRDownApp>
{
    [Fact]
    public async Task With_push_down_the_machine_client_receives_by_polling()
    {
        var chat = await app.ChatAsync();
        var (machine, agent, _) = await ClientSteps.InSessionAsync(app, chat);
        var heard = new ConcurrentQueue<ChatMessage>();
        using var stop = new CancellationTokenSource();
        var watching = machine.WatchMessagesAsync(chat.TicketId, null, m => { heard.Enqueue(m); return Task.CompletedTask; },
            new FeedOptions { PollEvery = TimeSpan.FromMilliseconds(200) }, stop.Token);

        await agent.PostMessageAsync(chat.TicketId, "sem push");
        await agent.PostMessageAsync(chat.TicketId, "ainda sem push");
        for (var waited = 0; heard.Count < 2 && waited < 10_000; waited += 50) await Task.Delay(50);
        stop.Cancel();
        await watching;
        Assert.Equal(["sem push", "ainda sem push"], heard.Select(m => m.Body));
    }
}

/// <summary>The feed of LiveChat.Client when push drops under it (SignalR stopped, its connections closed).</summary>
public sealed class ClientFeedDropTests(RestartableSignalRApp app) : IClassFixture<RestartableSignalRApp>
{
    [Fact]
    public async Task A_connected_feed_that_loses_push_polls_at_once_instead_of_sleeping_until_its_safety_poll()
    {
        var chat = await app.ChatAsync();
        var (machine, agent, _) = await ClientSteps.InSessionAsync(app, chat);
        var heard = new ConcurrentQueue<ChatMessage>();
        using var stop = new CancellationTokenSource();
        // Connected, the feed reads only when woken: its safety poll is far beyond this test.
        var options = new FeedOptions { PollEvery = TimeSpan.FromMilliseconds(200), SafetyPollEvery = TimeSpan.FromMinutes(10), ReconnectEvery = TimeSpan.FromSeconds(1) };
        var feed = machine.WatchMessagesAsync(chat.TicketId, null, m => { heard.Enqueue(m); return Task.CompletedTask; }, options, stop.Token);
        Assert.True(await Poll.UntilAsync(() => app.UserConnectedAsync($"machine:{chat.MachineId}")), "the feed never connected to push");
        await agent.PostMessageAsync(chat.TicketId, "por push");
        Assert.True(await Poll.UntilAsync(() => heard.Count == 1), "the pushed message did not wake the feed");
        await Task.Delay(1000); // the woken read ends and the feed goes back to its long wait (else the drop meets it awake)

        await app.StopSignalRAsync();
        try
        {
            await agent.PostMessageAsync(chat.TicketId, "sem push");
            Assert.True(await Poll.UntilAsync(() => heard.Count == 2, 5_000), "after push dropped, the feed kept waiting for its safety poll");
        }
        finally
        {
            await app.StartSignalRAsync();
        }
        stop.Cancel();
        await feed;
        Assert.Equal(["por push", "sem push"], heard.Select(m => m.Body));
    }
}

static class ClientSteps
{
    /// <summary>Both sides' clients for the chat, its machine online and a session started.</summary>
    public static async Task<(MachineChatClient Machine, AgentChatClient Agent, StartedSession Session)> InSessionAsync(LiveChatApp app,
        ChatScenario chat, HttpClient? machineHttp = null)
    {
        var machine = new MachineChatClient(app.BaseAddress, chat.MachineToken, machineHttp);
        var agent = new AgentChatClient(app.BaseAddress, app.AgentToken(chat.AgentId));
        await machine.HeartbeatAsync();
        return (machine, agent, await agent.StartSessionAsync(chat.TicketId));
    }
}
