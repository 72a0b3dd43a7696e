using System.Diagnostics;
using System.Net;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Faults;

/// <summary>
/// A Cosmos stand-in of its own (so its tests may pause and kill it by its PID without touching other tests) and a
/// 2 s request deadline.
/// </summary>
public abstract class OwnCosmosApp : LiveChatApp
{
    readonly int _port = LocalStack.FreePort();
    public Process Cosmos { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Cosmos = await LocalStack.StartCosmosAsync(_port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Cosmos.Kill(); } catch (InvalidOperationException) { } };
        await base.InitializeAsync();
    }

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Cosmos:ConnectionString"] = LocalStack.CosmosConnectionStringFor(_port),
        ["LiveChat:RequestDeadline"] = "00:00:02",
    };

    public void Signal(string signal) => Process.Start("kill", [$"-{signal}", Cosmos.Id.ToString()])!.WaitForExit();

    /// <summary>Kills the stand-in and starts a new, empty one on the same port: a store that lost everything.</summary>
    public async Task RestartCosmosEmptyAsync()
    {
        Cosmos.Kill();
        await Cosmos.WaitForExitAsync();
        Cosmos = await LocalStack.StartCosmosAsync(_port);
    }
}

public sealed class StoreFaultApp : OwnCosmosApp;

public sealed class StoreFaultTests(StoreFaultApp app) : IClassFixture<StoreFaultApp>
{
    static async Task<(HttpResponseMessage Response, TimeSpan Took)> TimedAsync(Func<Task<HttpResponseMessage>> call)
    {
        var watch = Stopwatch.StartNew();
        var response = await call();
        return (response, watch.Elapsed);
    }

    static void AssertRetryAfter(HttpResponseMessage response) =>
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "503 without Retry-After");

    [Fact]
    public async Task A_stalled_store_answers_503_within_the_deadline_and_the_service_recovers_when_it_resumes()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        app.Signal("STOP");
        try
        {
            var (poll, took) = await TimedAsync(() => chat.Machine.GetAsync("/api/machine/chat/updates"));
            await poll.AssertProblemAsync(503, "store_unavailable");
            AssertRetryAfter(poll);
            Assert.InRange(took, TimeSpan.Zero, TimeSpan.FromSeconds(4));

            var (post, _) = await TimedAsync(() => chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "oi" }));
            await post.AssertProblemAsync(503, "store_unavailable");

            var (health, healthTook) = await TimedAsync(() => app.CreateClient().GetAsync("/api/health"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            AssertRetryAfter(health);
            Assert.InRange(healthTook, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        }
        finally
        {
            app.Signal("CONT");
        }
        // Recovery: a request already waiting on a connection may still answer 503 just after the store resumes.
        Assert.True(await Poll.UntilAsync(async () => (await chat.Machine.GetAsync("/api/machine/chat/updates")).IsSuccessStatusCode, 10_000));
        Assert.True(await Poll.UntilAsync(async () => (await app.CreateClient().GetAsync("/api/health")).StatusCode == HttpStatusCode.OK, 10_000));
    }
}

/// <summary>Another, since its test kills it for good.</summary>
public sealed class DeadStoreApp : OwnCosmosApp;

public sealed class DeadStoreTests(DeadStoreApp app) : IClassFixture<DeadStoreApp>
{
    [Fact]
    public async Task An_unreachable_store_is_503_store_unavailable_never_500()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        app.Cosmos.Kill();
        await app.Cosmos.WaitForExitAsync();

        foreach (var call in new Func<Task<HttpResponseMessage>>[]
                 {
                     () => chat.Machine.GetAsync("/api/machine/chat/updates"),
                     () => chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "oi" }),
                     () => chat.Agent.GetAsync("/api/agent/chat/sessions"),
                 })
        {
            var watch = Stopwatch.StartNew();
            var response = await call();
            await response.AssertProblemAsync(503, "store_unavailable");
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "503 without Retry-After");
            Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.CreateClient().GetAsync("/api/health")).StatusCode);
    }
}
