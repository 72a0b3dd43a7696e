using LiveChat.Core.Identity;
using LiveChat.Core.Chat;
using LiveChat.Core.Webhooks;
using LiveChat.Core.Machines;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Storage;

/// <summary>Machine tokens and agents' user documents cached as in production (30 s), to measure calls on a cache hit.</summary>
public sealed class CachedTokensApp : CoreApp
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["LiveChat:MachineTokenCacheFor"] = "00:00:30",
        ["LiveChat:AgentUserCacheFor"] = "00:00:30",
    };
}

/// <summary>
/// DESIGN §10: each call's Cosmos round trips, counted by the client's RequestHandler. Each call is what its HTTP
/// function does: authenticate the caller (agents: the user read; machines: the token read), then the use case.
/// </summary>
public sealed class RoundTripBudgetTests(CachedTokensApp app) : IClassFixture<CachedTokensApp>
{
    ChatSessions Sessions => app.Get<ChatSessions>();
    MessagePosting Posting => app.Get<MessagePosting>();
    MessagePages Pages => app.Get<MessagePages>();

    async Task<CoreChat> WarmChatAsync()
    {
        // A first conversation loads the SDK's container metadata, so the counts below are the calls' own.
        var warm = await app.ChatAsync();
        await warm.StartSessionAsync();
        await warm.PostFromMachineAsync("x");
        await warm.PostFromAgentAsync("x");
        await Pages.ListAsync(ChatParticipant.Of(warm.Agent), warm.TicketId, null, null, default);
        await Pages.ListAsync(ChatParticipant.Of(warm.Machine), warm.TicketId, null, null, default);
        await Sessions.ListForAgentAsync(warm.Agent, default);
        var chat = await app.ChatAsync();
        await AsMachineAsync(chat.MachineToken, _ => Task.CompletedTask); // cached from here on, as after the machine's first call
        // Whether any webhook endpoint of the tenant wants an event: one query per tenant, cached for Webhooks:EndpointsCacheFor (10 s).
        Assert.Equal(1, (await app.CountAsync(async () => await app.Get<WebhookEndpoints>().AnyWantsAsync(chat.Admin.TenantId, WebhookEventTypes.MessageCreated, default))).RoundTrips);
        return chat;
    }

    async Task<long> AsAgentAsync(CoreChat chat, Func<Core.Identity.AgentCaller, Task> call) =>
        (await app.CountAsync(async () =>
        {
            await call(await app.Get<Core.Identity.AgentAuthenticator>().AuthenticateAsync("Bearer " + app.DevToken(chat.Agent.UserId), default));
            return 0;
        })).RoundTrips;

    async Task<long> AsMachineAsync(string token, Func<MachineCaller, Task> call) =>
        (await app.CountAsync(async () =>
        {
            await call(await app.Get<MachineAuthenticator>().AuthenticateAsync("Bearer " + token, default));
            return 0;
        })).RoundTrips;

    [Fact]
    public async Task Every_endpoint_stays_within_its_round_trip_budget()
    {
        var chat = await WarmChatAsync();
        await AsAgentAsync(chat, _ => Task.CompletedTask); // the agent's user document is cached from here on
        var oi = new PostMessageRequest("oi", null, null);
        // Measured values, asserted exactly so a regression shows; DESIGN §10 budgets on the right. A query in one
        // partition, or in the partitions of one tenant's key prefix, is one round trip; one over every partition is
        // two (the SDK first asks the gateway for a query plan). Every session write is followed by its machine inbox's patch (+1); the first session on a
        // machine creates the inbox (+1 more: the patch finds none).
        var measured = new[]
        {
            await AsAgentAsync(chat, a => Sessions.StartAsync(a, chat.TicketId, default)),                                // ≤ 7
            await AsMachineAsync(chat.MachineToken, m => Posting.PostAsync(ChatParticipant.Of(m), chat.TicketId, oi, default)),   // ≤ 4
            await AsAgentAsync(chat, a => Posting.PostAsync(ChatParticipant.Of(a), chat.TicketId, oi, default)),                    // ≤ 5
            await AsMachineAsync(chat.MachineToken, m => Pages.ListAsync(ChatParticipant.Of(m), chat.TicketId, null, null, default)), // ≤ 3
            await AsAgentAsync(chat, a => Pages.ListAsync(ChatParticipant.Of(a), chat.TicketId, "0", null, default)),              // ≤ 3
            await AsAgentAsync(chat, a => Sessions.ListForAgentAsync(a, default)),                                        // ≤ 1 + 1 per page
        };
        Assert.Equal([7L, 4, 5, 2, 3, 1], measured);
    }

    [Fact]
    public async Task A_machine_poll_costs_three_round_trips_and_one_on_a_token_cache_hit()
    {
        var chat = await WarmChatAsync();
        var fresh = await app.Get<MachineRegistry>().RegisterAsync(chat.Admin, new RegisterMachineRequest("PC-fresh", null, null, null, null), default);
        // On a miss: the token, its machine (whose status counts as much as the token's), the query.
        Assert.Equal(3, await AsMachineAsync(fresh.MachineToken, m => Sessions.UpdatesForMachineAsync(m, default)));
        Assert.Equal(1, await AsMachineAsync(fresh.MachineToken, m => Sessions.UpdatesForMachineAsync(m, default)));
        Assert.Equal(1, await AsMachineAsync(fresh.MachineToken, m => Sessions.ListForMachineAsync(m, default)));

        await chat.StartSessionAsync();
        Assert.Equal(1, await AsMachineAsync(chat.MachineToken, m => Sessions.UpdatesForMachineAsync(m, default)));
        Assert.Equal(1, await AsMachineAsync(chat.MachineToken, m => Sessions.ListForMachineAsync(m, default)));
    }

    [Fact]
    public async Task A_typing_call_costs_at_most_one_round_trip_once_its_ticket_is_known_and_none_within_a_burst()
    {
        var chat = await WarmChatAsync();
        await AsAgentAsync(chat, _ => Task.CompletedTask);
        await chat.StartSessionAsync();
        var typing = app.Get<TypingSignals>();

        Assert.Equal(1, await AsMachineAsync(chat.MachineToken, m => typing.SignalAsync(ChatParticipant.Of(m), chat.TicketId, default)));
        Assert.Equal(0, await AsMachineAsync(chat.MachineToken, m => typing.SignalAsync(ChatParticipant.Of(m), chat.TicketId, default)));
        Assert.Equal(2, await AsAgentAsync(chat, a => typing.SignalAsync(ChatParticipant.Of(a), chat.TicketId, default))); // ticket, then session
        Assert.Equal(0, await AsAgentAsync(chat, a => typing.SignalAsync(ChatParticipant.Of(a), chat.TicketId, default)));
        app.Time.Advance(TypingSignals.SessionCacheFor);
        Assert.Equal(1, await AsAgentAsync(chat, a => typing.SignalAsync(ChatParticipant.Of(a), chat.TicketId, default))); // the session only

        // Relinked to another machine (which ends the session) and started there: the stale machine is noticed.
        var other = await app.Get<MachineRegistry>().RegisterAsync(chat.Admin, new RegisterMachineRequest("PC-other", null, null, null, null), default);
        await app.Get<MachineRegistry>().HeartbeatAsync(new MachineCaller(other.MachineId, chat.Admin.TenantId), default);
        await app.Get<Core.Tickets.TicketLinks>().LinkMachineAsync(chat.Admin, chat.TicketId, other.MachineId, default);
        await chat.StartSessionAsync();
        app.Time.Advance(TypingSignals.SessionCacheFor);
        var result = await typing.SignalAsync(ChatParticipant.Of(chat.Agent), chat.TicketId, default);
        Assert.True(result.Pushed);
    }
}
