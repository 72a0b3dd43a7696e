using System.Diagnostics;
using System.Net;
using System.Text.Json;
using LiveChat.Core.Machines;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Hosting;

/// <summary>The real worker process under the Functions host stand-in serves what the build publishes.</summary>
public sealed class FunctionsHostTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    static readonly JsonElement Metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(LiveChatApp.WorkerBuild, "functions.metadata"))).RootElement;

    static IEnumerable<(string Name, JsonElement Trigger)> Triggers() =>
        Metadata.EnumerateArray().Select(f => (f.GetProperty("name").GetString()!,
            f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "In")));

    [Fact]
    public void The_worker_is_its_own_process_run_from_the_build_output()
    {
        var worker = Process.GetProcessById(app.WorkerProcessId);
        Assert.NotEqual(Environment.ProcessId, worker.Id);
        Assert.Contains("LiveChat.Functions.dll", File.ReadAllText($"/proc/{worker.Id}/cmdline"));
    }

    [Fact]
    public async Task Every_http_function_of_the_published_metadata_is_reached_on_its_route_and_methods_only()
    {
        var http = app.CreateClient();
        var functions = Triggers().Where(t => t.Trigger.GetProperty("type").GetString() == "httpTrigger").ToList();
        Assert.Equal(47, functions.Count);
        foreach (var (name, trigger) in functions)
        {
            var route = "/api/" + System.Text.RegularExpressions.Regex.Replace(trigger.GetProperty("route").GetString()!, "{[^}]+}", "x");
            Assert.DoesNotMatch("^/api/admin", route);
            var methods = trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToList();
            foreach (var method in methods)
            {
                // No caller token: the function itself answers (401 problem+json), or health 200 — never the host's empty 404.
                var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), route));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(body.Length > 0, $"{name}: {method} {route} was not served by the worker ({(int)response.StatusCode})");
                Assert.Contains(response.Content.Headers.ContentType?.MediaType, new[] { "application/json", "application/problem+json", "text/html" });
            }
            var other = new[] { "GET", "POST", "PUT", "DELETE", "PATCH" }.First(m => !methods.Contains(m) && !functions.Any(f =>
                f.Trigger.GetProperty("route").GetString() == trigger.GetProperty("route").GetString()
                && f.Trigger.GetProperty("methods").EnumerateArray().Any(x => x.GetString()!.Equals(m, StringComparison.OrdinalIgnoreCase))));
            var wrongMethod = await http.SendAsync(new HttpRequestMessage(new HttpMethod(other), route));
            Assert.Equal(HttpStatusCode.NotFound, wrongMethod.StatusCode);
            Assert.Empty(await wrongMethod.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Unknown_routes_get_the_hosts_empty_404()
    {
        var response = await app.CreateClient().GetAsync("/api/no/such/route");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_timer_function_runs_on_demand_through_the_admin_endpoint()
    {
        Assert.Equal(["AutoEndInactiveSessions", "RelayWebhookEvents"], Triggers().Where(t => t.Trigger.GetProperty("type").GetString() == "timerTrigger").Select(t => t.Name).Order());
        Assert.Equal("%SweepSchedule%", Triggers().Single(t => t.Name == "AutoEndInactiveSessions").Trigger.GetProperty("schedule").GetString());

        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        await app.Store.Machines.PatchItemAsync<MachineDocument>(chat.MachineId, new PartitionKey(chat.MachineId),
            [PatchOperation.Set("/lastHeartbeatAt", TimeProvider.System.GetUtcNow().AddMinutes(-6).ToUnixTimeMilliseconds())]);

        var run = await app.CreateClient().PostAsync("/admin/functions/AutoEndInactiveSessions", null);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        for (var waited = 0; waited < 100; waited++)
        {
            var session = await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/session")).OkJsonAsync();
            if (session.GetProperty("sessionId").ValueKind == JsonValueKind.Null) return;
            await Task.Delay(100);
        }
        Assert.Fail($"The sweep did not end session {sessionId}");
    }

    [Fact]
    public async Task Only_existing_timer_functions_run_on_demand() =>
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().PostAsync("/admin/functions/NoSuchFunction", null)).StatusCode);

    [Theory]
    [InlineData("http://localhost:3000", true)]
    [InlineData("https://evil.example", false)]
    public async Task Browsers_of_allowed_origins_may_call_the_api(string origin, bool allowed)
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/agent/chat/sessions");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        var response = await app.CreateClient().SendAsync(preflight);
        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
    }
}

/// <summary>A host and worker of its own, since its test kills the worker.</summary>
public sealed class RestartedWorkerApp : LiveChatApp
{
    protected override Dictionary<string, string?> Settings => new() { ["LiveChat:DefaultListLimit"] = "49" };
}

public sealed class WorkerRestartTests(RestartedWorkerApp app) : IClassFixture<RestartedWorkerApp>
{
    [Fact]
    public async Task A_worker_that_dies_is_restarted_and_serves_again()
    {
        var first = app.WorkerProcessId;
        Process.GetProcessById(first).Kill();
        var http = app.CreateClient();
        var waited = Stopwatch.StartNew();
        HttpResponseMessage? health = null;
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            try { health = await http.GetAsync("/api/health"); } catch (HttpRequestException) { }
            if (health?.StatusCode == HttpStatusCode.OK && app.WorkerProcessId is var now && now != first && now != 0) break;
            await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.OK, health?.StatusCode);
        Assert.NotEqual(first, app.WorkerProcessId);
    }
}

public sealed class UnservableWorkerTests
{
    [Fact]
    public async Task A_worker_whose_functions_cannot_be_served_answers_503_at_once_and_is_restarted()
    {
        var stack = await LocalStack.InstanceAsync();
        var settings = TestSettings.For(stack, "never-used", new Dictionary<string, string?> { ["SweepSchedule"] = null });
        var (host, baseAddress, logs) = await LiveChatApp.StartHostAsync(settings);
        try
        {
            using var http = new HttpClient { BaseAddress = baseAddress };
            for (var waited = 0; waited < 100 && !logs.Any(l => l.Contains("App setting 'SweepSchedule' is not set")); waited++) await Task.Delay(100);
            Assert.Contains(logs, l => l.Contains("App setting 'SweepSchedule' is not set"));
            var watch = Stopwatch.StartNew();
            var response = await http.GetAsync("/api/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            for (var waited = 0; waited < 100 && !logs.Any(l => l.Contains("exited") && l.Contains("restarting")); waited++) await Task.Delay(100);
            Assert.Contains(logs, l => l.Contains("exited") && l.Contains("restarting"));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
