using LiveChat.Core.Identity;
using System.Text.Json;
using LiveChat.Core.Chat;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Sweep;
using LiveChat.Core.Tickets;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Sweep;

/// <summary>
/// The sweep on LiveChat.Core with a fake clock (its HTTP-free trigger is the timer; HostingTests runs it through the
/// host). It looks at the whole database, so every test gets an app (and database) of its own.
/// </summary>
public sealed class InactivitySweepTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static async Task<CoreApp> NewAppAsync(CoreApp? app = null)
    {
        app ??= new CoreApp();
        await app.InitializeAsync();
        return app;
    }

    sealed class NoTimeBudgetApp : CoreApp
    {
        protected override Dictionary<string, string?> Settings => new() { ["LiveChat:SweepTimeBudget"] = "00:00:00" };
    }

    [Fact]
    public async Task What_a_run_cannot_reach_within_its_time_budget_is_left_for_the_next_run()
    {
        var app = await NewAppAsync(new NoTimeBudgetApp());
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        app.Time.Advance(TimeSpan.FromMinutes(6));

        var result = await SweepAsync(app);
        Assert.True(result.HasMore);
        Assert.Equal(0, result.EndedCount);
        Assert.True((await SessionAsync(app, chat, sessionId)).IsActive);
    }

    static Task<SweepResult> SweepAsync(CoreApp app) => app.Get<InactivitySweep>().RunAsync(default);

    static int Ended(SweepResult result, string reason) => result.Reasons.TryGetValue(reason, out var n) ? n : 0;

    static async Task<SessionDocument> SessionAsync(CoreApp app, CoreChat chat, string sessionId) =>
        (await app.Store.SessionAsync(sessionId));

    static async Task<JsonElement?> EndedPayloadAsync(CoreApp app, string ticketId, string sessionId)
    {
        using var response = await app.Store.Events.ReadItemStreamAsync(Timeline.EndedEventId(sessionId), new PartitionKey(ticketId));
        if (!response.IsSuccessStatusCode) return null;
        return (await JsonDocument.ParseAsync(response.Content)).RootElement.GetProperty("payload").Clone();
    }

    [Fact]
    public async Task Machine_offline_ends_the_session_after_five_minutes_not_before()
    {
        var app = await NewAppAsync();
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();

        app.Time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        Assert.Equal(0, (await SweepAsync(app)).EndedCount);
        Assert.True((await SessionAsync(app, chat, sessionId)).IsActive);

        app.Time.Advance(TimeSpan.FromSeconds(2));
        var result = await SweepAsync(app);
        Assert.Equal(1, Ended(result, "maquina_offline"));
        var payload = (await EndedPayloadAsync(app, chat.TicketId, sessionId))!.Value;
        Assert.True(payload.GetProperty("autoEnded").GetBoolean());
        Assert.Equal("maquina_offline", payload.GetProperty("reason").GetString());
        Assert.Equal(301_000, payload.GetProperty("durationMs").GetInt64());
        Assert.False(payload.TryGetProperty("inactiveForMs", out _));
    }

    [Fact]
    public async Task Twelve_hours_without_activity_ends_an_online_chat_as_inatividade_chat()
    {
        var app = await NewAppAsync();
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();

        app.Time.Advance(TimeSpan.FromHours(12) - TimeSpan.FromMinutes(1));
        await chat.HeartbeatAsync();
        Assert.Equal(0, (await SweepAsync(app)).EndedCount);

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await chat.HeartbeatAsync();
        var result = await SweepAsync(app);
        Assert.Equal(1, Ended(result, "inatividade_chat"));
        var payload = (await EndedPayloadAsync(app, chat.TicketId, sessionId))!.Value;
        Assert.Equal("inatividade_chat", payload.GetProperty("reason").GetString());
        Assert.Equal((long)TimeSpan.FromHours(12).Add(TimeSpan.FromMinutes(1)).TotalMilliseconds, payload.GetProperty("inactiveForMs").GetInt64());
    }

    [Fact]
    public async Task Inactivity_is_judged_before_the_machine_state_and_a_message_keeps_the_chat_alive()
    {
        var app = await NewAppAsync();
        var idle = await app.ChatAsync();
        var idleSession = await idle.StartSessionAsync();
        var busy = await app.ChatAsync();
        await busy.StartSessionAsync();

        app.Time.Advance(TimeSpan.FromHours(11));
        await busy.HeartbeatAsync();
        await busy.PostFromMachineAsync("ainda aqui");
        app.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        await busy.HeartbeatAsync();

        var result = await SweepAsync(app);
        Assert.Equal(1, result.EndedCount);
        Assert.Equal("inatividade_chat", (await EndedPayloadAsync(app, idle.TicketId, idleSession))!.Value.GetProperty("reason").GetString());
        Assert.Single(await app.Get<ChatSessions>().ListForMachineAsync(busy.Machine, default));
    }

    [Fact]
    public async Task A_ticket_gone_or_without_its_machine_ends_as_ticket_sem_maquina()
    {
        var app = await NewAppAsync();
        var unlinked = await app.ChatAsync();
        var unlinkedSession = await unlinked.StartSessionAsync();
        var deleted = await app.ChatAsync();
        var deletedSession = await deleted.StartSessionAsync();
        await app.Store.Tickets.PatchItemAsync<TicketDocument>(unlinked.TicketId, new PartitionKey(unlinked.TicketId), [PatchOperation.Remove("/machineId")]);
        await app.Store.Tickets.DeleteItemAsync<TicketDocument>(deleted.TicketId, new PartitionKey(deleted.TicketId));

        var result = await SweepAsync(app);
        Assert.Equal(2, Ended(result, "ticket_sem_maquina"));
        Assert.Equal("ticket_sem_maquina", (await EndedPayloadAsync(app, unlinked.TicketId, unlinkedSession))!.Value.GetProperty("reason").GetString());
        Assert.Equal("ticket_sem_maquina", (await EndedPayloadAsync(app, deleted.TicketId, deletedSession))!.Value.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Sweep_racing_an_agent_end_ends_each_session_once_with_one_event()
    {
        var app = await NewAppAsync();
        var chats = new List<(CoreChat Chat, string SessionId)>();
        for (var i = 0; i < 10; i++)
        {
            var chat = await app.ChatAsync();
            chats.Add((chat, await chat.StartSessionAsync()));
        }
        app.Time.Advance(TimeSpan.FromMinutes(6));

        var agentEnds = chats.Select(c => EndAsAgentAsync(app, c.Chat, c.SessionId)).ToList();
        var sweeps = new[] { SweepAsync(app), SweepAsync(app) };
        var endedByAgents = (await Task.WhenAll(agentEnds)).Count(ended => ended);
        var results = await Task.WhenAll(sweeps);

        Assert.Equal(10, endedByAgents + results.Sum(r => r.EndedCount));
        foreach (var (chat, sessionId) in chats)
        {
            Assert.False((await SessionAsync(app, chat, sessionId)).IsActive);
            Assert.NotNull(await EndedPayloadAsync(app, chat.TicketId, sessionId));
        }
    }

    /// <summary>True if the agent ended it; false if it was already ended (409 session_not_active).</summary>
    static async Task<bool> EndAsAgentAsync(CoreApp app, CoreChat chat, string sessionId)
    {
        try
        {
            await app.Get<ChatSessions>().EndAsync(chat.Agent, sessionId, default);
            return true;
        }
        catch (LiveChat.Core.Errors.LiveChatException e) when (e.Error.Code == "session_not_active")
        {
            return false;
        }
    }

    [Fact]
    public async Task A_session_ended_without_its_event_gets_it_on_the_next_run()
    {
        var app = await NewAppAsync();
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        // A crash between the two writes: the session ended, the timeline event and the started event lost.
        var session = await SessionAsync(app, chat, sessionId);
        var ended = session with { Status = SessionStatus.Ended, ActiveKey = $"ended:{sessionId}", EndedAt = app.Time.GetUtcNow().ToUnixTimeMilliseconds(), EndedById = chat.Agent.UserId, EndedByName = "Agente", ETag = null };
        await app.Store.Sessions.ReplaceItemAsync(ended, sessionId, ended.Key);
        await app.Store.Events.DeleteItemAsync<object>(Timeline.StartedEventId(sessionId), new PartitionKey(chat.TicketId));

        var result = await SweepAsync(app);
        Assert.Equal(2, result.RepairedEvents);
        Assert.Equal(chat.Agent.UserId, (await EndedPayloadAsync(app, chat.TicketId, sessionId))!.Value.GetProperty("agentId").GetString());
        Assert.Equal(0, (await SweepAsync(app)).RepairedEvents);
    }

    [Fact]
    public async Task Ten_thousand_active_sessions_with_a_thousand_due_are_all_ended_across_runs_and_no_other()
    {
        var app = await NewAppAsync();
        var now = app.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var stale = now - (long)TimeSpan.FromHours(13).TotalMilliseconds;
        const int machines = 500, perMachine = 20;
        // Machines 0-15 are offline (320 sessions); on machines 16-31 chats are idle (320); tickets of 32-49 lost their machine (360).
        static string? Due(int m) => m < 16 ? EndReasons.MachineOffline : m < 32 ? EndReasons.ChatInactive : m < 50 ? EndReasons.TicketWithoutMachine : null;
        await Parallel.ForEachAsync(Enumerable.Range(0, machines), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (m, _) =>
        {
            var machine = new MachineDocument { Id = $"m{m}", TenantId = "bulk", Hostname = $"PC-{m}", LastHeartbeatAt = m < 16 ? stale : now };
            await app.Store.Machines.CreateItemAsync(machine, new PartitionKey(machine.Id));
            for (var t = 0; t < perMachine; t++)
            {
                var ticket = new TicketDocument { Id = $"t{m}-{t}", TenantId = "bulk", Subject = "s", RequesterId = "r", MachineId = Due(m) == EndReasons.TicketWithoutMachine ? null : machine.Id };
                await app.Store.Tickets.CreateItemAsync(ticket, new PartitionKey(ticket.Id));
                var session = new SessionDocument
                {
                    Id = $"s{m}-{t}", MachineId = machine.Id, TenantId = "bulk", TicketId = ticket.Id, ActiveKey = SessionDocument.ActiveKeyFor(ticket.Id),
                    AgentId = "a", AgentSnapshot = new PersonSnapshot("Agente"), ClientAuthorId = "r", ClientSnapshot = new PersonSnapshot("PC"),
                    StartedAt = stale - 1000, LastActivityAt = Due(m) == EndReasons.ChatInactive ? stale : now, Version = 1,
                };
                await app.Store.Sessions.CreateItemAsync(session, session.Key);
                await app.Get<MachineInbox>().ReflectAsync(session, default);
            }
        });

        var runs = new List<SweepResult>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (_, trips) = await app.CountAsync(async () =>
        {
            do runs.Add(await SweepAsync(app)); while (runs[^1].HasMore && runs.Count < 10);
            return 0;
        });
        output.WriteLine($"{runs.Count} run(s), {trips} round trips, {watch.ElapsedMilliseconds} ms");
        Assert.False(runs[^1].HasMore);
        Assert.Equal(1000, runs.Sum(r => r.EndedCount));
        Assert.Equal(320, runs.Sum(r => Ended(r, EndReasons.MachineOffline)));
        Assert.Equal(320, runs.Sum(r => Ended(r, EndReasons.ChatInactive)));
        Assert.Equal(360, runs.Sum(r => Ended(r, EndReasons.TicketWithoutMachine)));
        var stillActive = await app.Store.Sessions.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.status = 'ACTIVE'"), ContainerExtensions.AllPartitions, default);
        Assert.Equal(9000, stillActive.Count);
        Assert.All(stillActive, id => Assert.Null(Due(int.Parse(id[1..id.IndexOf('-')]))));
        // Budget (docs/operations.md, "Inactivity sweep"): 6 per ended session (fresh ticket, machine and session reads, conditional
        // replace, inbox patch, event), 1 per session whose unread counters are recounted this run (about 1 in 5, none to
        // correct) and about 12 per page of 1,000 active sessions (the page query and the bulk lookups of tickets,
        // machines and inboxes).
        var recounted = stillActive.Count(app.Get<UnreadCounter>().IsDueForRecount);
        output.WriteLine($"{recounted} of them recounts");
        Assert.InRange(recounted, 9000 / 5 - 300, 9000 / 5 + 300);
        Assert.InRange(trips, 6 * 1000 + recounted, 6 * 1000 + recounted + 12 * (10_000 / 1000 + 1) + 10);
        Assert.Equal(0, (await SweepAsync(app)).EndedCount);
    }
}
