using System.Net;
using LiveChat.Core.Errors;
using LiveChat.Core.Limits;
using LiveChat.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LiveChat.Tests.Limits;

public sealed class CallerLimitsTests
{
    [Fact]
    public void Buckets_of_callers_gone_quiet_are_dropped_and_busy_ones_kept()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var limits = new CallerLimits(Options.Create(new RateLimitOptions { Posts = new Bucket { Burst = 2, PerMinute = 6 } }), clock);
        for (var i = 0; i < CallerLimits.PruneAbove; i++) limits.Take(LimitedCall.Posts, $"quiet-{i}");
        limits.Take(LimitedCall.Posts, "busy");
        limits.Take(LimitedCall.Posts, "busy");
        Assert.Equal(CallerLimits.PruneAbove + 1, limits.BucketCount); // nothing refilled yet: all kept

        clock.Advance(TimeSpan.FromSeconds(10));                         // the quiet ones are full again, "busy" is not
        limits.Take(LimitedCall.Posts, "newcomer");
        Assert.Equal(2, limits.BucketCount);
        limits.Take(LimitedCall.Posts, "busy");                          // its half-refilled bucket was kept: 1 token left…
        Assert.Throws<LiveChatException>(() => limits.Take(LimitedCall.Posts, "busy")); // …and no more
    }

    [Fact]
    public void A_burst_then_one_call_per_refill_interval_per_caller_and_kind()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var limits = new CallerLimits(Options.Create(new RateLimitOptions { Posts = new Bucket { Burst = 2, PerMinute = 30 } }), clock);
        limits.Take(LimitedCall.Posts, "m1");
        limits.Take(LimitedCall.Posts, "m1");
        var refused = Assert.Throws<LiveChatException>(() => limits.Take(LimitedCall.Posts, "m1"));
        Assert.Equal(("rate_limited", 429, 2), (refused.Error.Code, refused.Error.Status, refused.RetryAfterSeconds));
        limits.Take(LimitedCall.Posts, "m2");       // another caller has its own bucket
        limits.Take(LimitedCall.Uploads, "m1");     // and so has another kind of call

        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Throws<LiveChatException>(() => limits.Take(LimitedCall.Posts, "m1"));
        clock.Advance(TimeSpan.FromSeconds(0.2));
        limits.Take(LimitedCall.Posts, "m1");
        clock.Advance(TimeSpan.FromHours(1));       // refills up to the burst, not beyond
        limits.Take(LimitedCall.Posts, "m1");
        limits.Take(LimitedCall.Posts, "m1");
        Assert.Throws<LiveChatException>(() => limits.Take(LimitedCall.Posts, "m1"));
    }
}

/// <summary>Posts limited to a burst of 3 and one every 3 seconds, per caller.</summary>
public sealed class RateLimitedApp : LiveChatApp
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["RateLimits:Posts:Burst"] = "3",
        ["RateLimits:Posts:PerMinute"] = "20",
    };
}

public sealed class RateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task Past_the_burst_a_caller_gets_429_with_Retry_After_and_succeeds_after_waiting_it()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var post = $"/api/machine/tickets/{chat.TicketId}/chat/messages";
        // The agent's bucket is its own; posting first also warms the worker, so the burst below takes well under 3 s.
        await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "o agente tem o seu" })).OkJsonAsync(201);
        for (var i = 0; i < 3; i++) await (await chat.Machine.PostJsonAsync(post, new { body = $"m{i}" })).OkJsonAsync(201);

        var refused = await chat.Machine.PostJsonAsync(post, new { body = "demais" });
        await refused.AssertProblemAsync(429, "rate_limited");
        var wait = refused.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("no Retry-After");
        Assert.InRange(wait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));

        await Task.Delay(wait);
        await (await chat.Machine.PostJsonAsync(post, new { body = "depois de esperar" })).OkJsonAsync(201);
        var listed = await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages")).OkJsonAsync();
        Assert.Equal(5, listed.GetProperty("messages").GetArrayLength());
        Assert.DoesNotContain(listed.GetProperty("messages").EnumerateArray(), m => m.GetProperty("body").GetString() == "demais");
    }
}
