using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LiveChat.Core.Chat;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Sweep;
using LiveChat.Core.Tickets;
using LiveChat.Core;
using LiveChat.Tools;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// Benchmark of a running LiveChat (./run.sh), each figure next to two baselines measured in the same run: a Cosmos
// point read through the SDK against the same store, and a trivial HTTP endpoint served by this process.
//   dotnet run --project tools/LiveChat.Bench -c Release -- [--base-url URL] [--requests 200] [--seconds 3]
//       [--other-messages 50000] [--sweep-sessions 5000]
// It writes its own tenant (and, for the growth and sweep parts, other tickets' messages and idle sessions) into the
// local store; the service's own sweep ends those sessions once their machines go quiet (5 minutes).
//   dotnet run --project tools/LiveChat.Bench -c Release -- soak [--minutes 5] [--chats 20]
// The soak under faults, on a stack of its own (see Soak.cs); ./run.sh need not run.
if (args is ["soak", .. var soakArgs]) return await Soak.RunAsync(soakArgs);
// The Cosmos SDK traces its operations only when asked, before its first client exists (the post breakdown listens).
AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
var options = Options.Parse(args);
var configuration = LocalSettings.Load();
var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)).AddLiveChatCore(configuration).BuildServiceProvider();
await services.GetRequiredService<StorageInitializer>().CreateAsync(CancellationToken.None);
var store = services.GetRequiredService<CosmosStore>();
var identity = services.GetRequiredService<IOptions<IdentityOptions>>().Value;

Console.WriteLine($"LiveChat benchmark against {options.BaseUrl} — {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
var scenario = await Scenario.CreateAsync(services, identity, options.BaseUrl);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(options.BaseUrl) };

await using var trivial = await TrivialEndpoint.StartAsync();
var baselines = new[]
{
    new Probe("cosmos point read (SDK)", async () =>
        (await store.Machines.ReadItemAsync<MachineDocument>(scenario.MachineId, new PartitionKey(scenario.MachineId))).StatusCode is System.Net.HttpStatusCode.OK),
    new Probe("trivial HTTP endpoint", async () => (await http.GetAsync(trivial.Url)).IsSuccessStatusCode),
    new Probe("health (same host)", async () => (await http.GetAsync("/api/health")).IsSuccessStatusCode),
};
var endpoints = new[]
{
    Call("machine poll", HttpMethod.Get, "/api/machine/chat/updates", scenario.MachineToken),
    Call("machine heartbeat", HttpMethod.Post, "/api/machine/heartbeat", scenario.MachineToken),
    Call("machine sessions", HttpMethod.Get, "/api/machine/chat/sessions", scenario.MachineToken),
    Call("machine list messages", HttpMethod.Get, $"/api/machine/tickets/{scenario.TicketId}/chat/messages", scenario.MachineToken),
    Call("machine post message", HttpMethod.Post, $"/api/machine/tickets/{scenario.TicketId}/chat/messages", scenario.MachineToken, new { body = "bench" }),
    Call("agent list messages", HttpMethod.Get, $"/api/tickets/{scenario.TicketId}/chat/messages", scenario.AgentToken),
    Call("agent post message", HttpMethod.Post, $"/api/tickets/{scenario.TicketId}/chat/messages", scenario.AgentToken, new { body = "bench" }),
    Call("agent sessions", HttpMethod.Get, "/api/agent/chat/sessions", scenario.AgentToken),
    Call("agent history", HttpMethod.Get, $"/api/tickets/{scenario.TicketId}/chat/history", scenario.AgentToken),
};

Console.WriteLine($"\nLatency at concurrency 1 ({options.Requests} requests each) and throughput at concurrency 16 ({options.Seconds} s each)");
Console.WriteLine($"{"",-26}{"p50 ms",8}{"p99 ms",8}{"×read",8}{"×http",8}{"req/s",9}{"÷http",8}{"÷health",9}");
var read = await Measure(baselines[0]);
var trivialHttp = await Measure(baselines[1]);
var health = await Measure(baselines[2]);
foreach (var probe in baselines.Concat(endpoints))
{
    var result = probe == baselines[0] ? read : probe == baselines[1] ? trivialHttp : probe == baselines[2] ? health : await Measure(probe);
    Console.WriteLine($"{probe.Name,-26}{result.P50,8:F2}{result.P99,8:F2}{result.P50 / read.P50,8:F1}{result.P50 / trivialHttp.P50,8:F1}" +
                      $"{result.PerSecond,9:F0}{result.PerSecond / trivialHttp.PerSecond,8:F2}{result.PerSecond / health.PerSecond,9:F2}" +
                      (result.Failures > 0 ? $"  ({result.Failures} failed)" : ""));
}

await DocumentSizesAsync();
await RoundTripsAsync();
await PostBreakdownAsync();
await PushLatencyAsync();
await GrowthAsync();
await SweepAsync();
return 0;

Probe Call(string name, HttpMethod method, string path, string token, object? body = null) => new(name, async () =>
{
    using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request);
    return response.IsSuccessStatusCode;
});

async Task<Result> Measure(Probe probe, int? requests = null, bool throughput = true)
{
    await Task.Delay(500); // let the previous burst's work (exports, GC, timers) settle
    for (var i = 0; i < 50; i++) await probe.Run(); // warm-up: connections, caches, JIT
    var latencies = new List<double>();
    var failures = 0;
    for (var i = 0; i < (requests ?? options.Requests); i++)
    {
        var started = Stopwatch.GetTimestamp();
        if (!await probe.Run()) failures++;
        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
    var perSecond = 0.0;
    if (throughput)
    {
        var done = 0;
        var until = Stopwatch.GetTimestamp() + (long)(options.Seconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < until)
                if (await probe.Run()) Interlocked.Increment(ref done);
                else Interlocked.Increment(ref failures);
        }));
        perSecond = done / clock.Elapsed.TotalSeconds;
    }
    return new Result(Percentile(latencies, 0.5), Percentile(latencies, 0.99), perSecond, failures);
}

// From an agent's POST being sent to the machine's SignalR connection receiving messageCreated.
async Task PushLatencyAsync()
{
    var clock = Stopwatch.StartNew();
    var received = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
    await using var machine = new HubConnectionBuilder()
        .WithUrl($"{options.BaseUrl}/api/machine", o => o.AccessTokenProvider = () => Task.FromResult<string?>(scenario.MachineToken))
        .Build();
    machine.On<JsonElement>(ChatEvents.MessageCreated, p => received[p.GetProperty("preview").GetString()!] = clock.Elapsed.TotalMilliseconds);
    await machine.StartAsync();
    var latencies = new List<double>();
    for (var i = 0; i < Math.Min(options.Requests, 200); i++)
    {
        var text = $"push {i} {Guid.NewGuid():N}";
        var sentAt = clock.Elapsed.TotalMilliseconds;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tickets/{scenario.TicketId}/chat/messages") { Content = JsonContent.Create(new { body = text }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", scenario.AgentToken);
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
        var wait = Stopwatch.StartNew();
        while (!received.ContainsKey(text) && wait.ElapsedMilliseconds < 5000) await Task.Delay(1);
        if (received.TryGetValue(text, out var at)) latencies.Add(at - sentAt);
    }
    Console.WriteLine($"\nPush: agent POST sent → machine received messageCreated, {latencies.Count} messages: " +
                      $"p50 {Percentile(latencies, 0.5):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms");
}

// Listing one ticket's messages must not slow down with other tickets' messages in the container.
async Task GrowthAsync()
{
    if (options.OtherMessages <= 0) return;
    var list = endpoints.Single(e => e.Name == "agent list messages");
    var before = await Measure(list, 100, throughput: false);
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, options.OtherMessages), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
    {
        var ticketId = $"bench-other-{scenario.Run}-{i / 100}";
        var message = new MessageDocument
        {
            Id = Guid.NewGuid().ToString("N"), TicketId = ticketId, TenantId = scenario.TenantId, SessionId = "bench", AuthorId = "bench",
            AuthorSnapshot = new PersonSnapshot("Bench"), Body = $"message {i}", CreatedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await store.Messages.CreateItemAsync(message, new PartitionKey(ticketId), cancellationToken: ct);
    });
    var after = await Measure(list, 100, throughput: false);
    Console.WriteLine($"\nGrowth: agent list messages p50 {before.P50:F2} ms → {after.P50:F2} ms after {options.OtherMessages:N0} messages " +
                      $"in other tickets (×{after.P50 / before.P50:F2}; written in {clock.Elapsed.TotalSeconds:F0} s)");
}

// The sweep over N active sessions with nothing due (machines online, chats fresh, tickets linked), run in process.
// What each kind of document weighs as stored (with the store's system properties): a point read of up to 1 KB is
// 1 RU, and a write's RU grow with size, so these are the inputs of docs/performance.md's capacity model.
async Task DocumentSizesAsync()
{
    var sessionId = (await store.Sessions.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.status = 'ACTIVE'"),
        SessionDocument.KeyOf(scenario.TenantId, scenario.MachineId), default)).Single();
    var messageId = (await store.Messages.QueryAsync<string>(new QueryDefinition("SELECT TOP 1 VALUE c.id FROM c"), scenario.TicketId, default)).Single();
    var user = $"{scenario.TenantId}-agent";
    var documents = new (string Name, Container Container, string Id, PartitionKey PartitionKey)[]
    {
        ("machine", store.Machines, scenario.MachineId, new(scenario.MachineId)),
        ("machine token", store.MachineTokens, MachineTokens.Hash(scenario.MachineToken), new(MachineTokens.Hash(scenario.MachineToken))),
        ("machine inbox (1 session)", store.MachineInboxes, scenario.MachineId, new(scenario.MachineId)),
        ("user", store.Users, user, new(user)),
        ("ticket", store.Tickets, scenario.TicketId, new(scenario.TicketId)),
        ("session", store.Sessions, sessionId, SessionDocument.KeyOf(scenario.TenantId, scenario.MachineId)),
        ("message (\"mensagem 0\")", store.Messages, messageId, new(scenario.TicketId)),
    };
    Console.WriteLine("\nDocument sizes as stored (bytes)");
    foreach (var (name, container, id, partitionKey) in documents)
    {
        using var read = await container.ReadItemStreamAsync(id, partitionKey);
        Console.WriteLine($"  {name,-24}{read.Content.Length,6}");
    }
}

// Each call's Cosmos round trips, as its use case makes them in this process (the caller's token or user cached, as
// on most calls), so the capacity model's operation counts can be checked against the code.
async Task RoundTripsAsync()
{
    var trips = services.GetRequiredService<RoundTripCounter>();
    var machine = new MachineCaller(scenario.MachineId, scenario.TenantId);
    var agent = new AgentCaller($"{scenario.TenantId}-agent", scenario.TenantId, "AGENT", "Bench Agent", null, null);
    var sessions = services.GetRequiredService<ChatSessions>();
    var posting = services.GetRequiredService<MessagePosting>();
    var pages = services.GetRequiredService<MessagePages>();
    var receipts = services.GetRequiredService<ReadReceipts>();
    var history = services.GetRequiredService<TicketHistory>();
    var post = new PostMessageRequest("bench", null, null);
    var calls = new (string Name, Func<Task> Call)[]
    {
        ("machine poll", () => sessions.UpdatesForMachineAsync(machine, default)),
        ("machine sessions", () => sessions.ListForMachineAsync(machine, default)),
        ("machine post message", () => posting.PostAsync(ChatParticipant.Of(machine), scenario.TicketId, post, default)),
        ("agent post message", () => posting.PostAsync(ChatParticipant.Of(agent), scenario.TicketId, post, default)),
        ("machine list messages", () => pages.ListAsync(ChatParticipant.Of(machine), scenario.TicketId, null, null, default)),
        ("agent list messages", () => pages.ListAsync(ChatParticipant.Of(agent), scenario.TicketId, null, null, default)),
        ("machine mark read (none)", () => receipts.MarkReadAsync(ChatParticipant.Of(machine), scenario.TicketId, new MarkReadRequest(["none"]), default)),
        ("agent sessions", () => sessions.ListForAgentAsync(agent, default)),
        ("agent history", () => history.HistoryAsync(agent, scenario.TicketId, null, default)),
    };
    Console.WriteLine("\nRound trips per call (its use case in this process; the caller's token or user cached)");
    foreach (var (name, call) in calls)
    {
        await call(); // the SDK's container metadata is loaded once, before counting
        var before = trips.Count;
        await call();
        Console.WriteLine($"  {name,-26}{trips.Count - before,4}");
    }
}

// Where a post's time goes: the same machine post through LiveChat.Core in this process, each Cosmos operation timed
// from the SDK's own spans; the rest of the HTTP figure is the host, the worker and the HTTP hops.
async Task PostBreakdownAsync()
{
    const int posts = 200;
    var spans = new System.Collections.Concurrent.ConcurrentBag<(string Name, double Ms)>();
    using var listener = new ActivityListener
    {
        ShouldListenTo = source => source.Name.StartsWith("Azure.Cosmos", StringComparison.Ordinal),
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        ActivityStopped = span => spans.Add((span.DisplayName, span.Duration.TotalMilliseconds)),
    };
    ActivitySource.AddActivityListener(listener);
    var messages = services.GetRequiredService<MessagePosting>();
    var machine = new MachineCaller(scenario.MachineId, scenario.TenantId);
    var took = new List<double>();
    for (var i = 0; i < posts; i++)
    {
        var started = Stopwatch.GetTimestamp();
        await messages.PostAsync(ChatParticipant.Of(machine), scenario.TicketId, new PostMessageRequest("bench", null, null), default);
        took.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
    took.Sort();
    var mean = took.Average();
    Console.WriteLine($"\nMachine post through LiveChat.Core in this process, {posts} posts: p50 {took[posts / 2]:F2} ms, mean {mean:F2} ms");
    foreach (var group in spans.GroupBy(s => s.Name).OrderByDescending(g => g.Sum(s => s.Ms)))
        Console.WriteLine($"  {group.Key,-32}{(double)group.Count() / posts,6:F2} per post{group.Average(s => s.Ms),8:F2} ms each{group.Sum(s => s.Ms) / posts / mean,7:P0} of the mean");
}

async Task SweepAsync()
{
    if (options.SweepSessions <= 0) return;
    var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
    const int perMachine = 20;
    await Parallel.ForEachAsync(Enumerable.Range(0, (options.SweepSessions + perMachine - 1) / perMachine), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (m, ct) =>
    {
        var machine = new MachineDocument { Id = $"bench-{scenario.Run}-m{m}", TenantId = scenario.TenantId, Hostname = $"PC-{m}", LastHeartbeatAt = now };
        await store.Machines.CreateItemAsync(machine, new PartitionKey(machine.Id), cancellationToken: ct);
        for (var t = 0; t < perMachine && m * perMachine + t < options.SweepSessions; t++)
        {
            var ticket = new TicketDocument { Id = $"{machine.Id}-t{t}", TenantId = scenario.TenantId, Subject = "bench", RequesterId = "bench", MachineId = machine.Id };
            await store.Tickets.CreateItemAsync(ticket, new PartitionKey(ticket.Id), cancellationToken: ct);
            var session = new SessionDocument
            {
                Id = $"{ticket.Id}-s", MachineId = machine.Id, TenantId = scenario.TenantId, TicketId = ticket.Id, ActiveKey = SessionDocument.ActiveKeyFor(ticket.Id),
                AgentId = "bench", AgentSnapshot = new PersonSnapshot("Bench"), ClientAuthorId = "bench", ClientSnapshot = new PersonSnapshot("PC"),
                StartedAt = now, LastActivityAt = now, Version = 1,
            };
            await store.Sessions.CreateItemAsync(session, session.Key, cancellationToken: ct);
            await services.GetRequiredService<MachineInbox>().ReflectAsync(session, ct);
            await new Timeline(store).WriteAsync(Timeline.StartedEvent(session), ct);
        }
    });
    var sweep = services.GetRequiredService<InactivitySweep>();
    var trips = services.GetRequiredService<RoundTripCounter>();
    Console.WriteLine($"\nSweep over {options.SweepSessions:N0} more active sessions with nothing due (run in this process, same store):");
    for (var run = 1; run <= 2; run++)
    {
        var (started, tripsBefore) = (Stopwatch.GetTimestamp(), trips.Count);
        var result = await sweep.RunAsync(CancellationToken.None);
        Console.WriteLine($"  run {run}: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms, {result.CheckedCount:N0} checked, " +
                          $"{result.EndedCount} ended, {result.RepairedEvents} events repaired, {trips.Count - tripsBefore} round trips");
    }
}

static double Percentile(List<double> values, double p)
{
    if (values.Count == 0) return double.NaN;
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}

sealed record Probe(string Name, Func<Task<bool>> Run);

sealed record Result(double P50, double P99, double PerSecond, int Failures);

sealed record Options(string BaseUrl, int Requests, double Seconds, int OtherMessages, int SweepSessions)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Number(string name, int fallback) => int.TryParse(Value(name), out var n) ? n : fallback;
        return new Options(Value("--base-url") ?? Environment.GetEnvironmentVariable("BASE_URL") ?? "http://127.0.0.1:7071",
            Number("--requests", 200), Number("--seconds", 3), Number("--other-messages", 50_000), Number("--sweep-sessions", 5_000));
    }
}

/// <summary>A tenant of its own: an admin, an agent, an online machine and a ticket with an active session.</summary>
sealed record Scenario(string Run, string TenantId, string MachineId, string MachineToken, string TicketId, string AgentToken)
{
    public static async Task<Scenario> CreateAsync(IServiceProvider services, IdentityOptions identity, string baseUrl)
    {
        var ct = CancellationToken.None;
        var run = Guid.NewGuid().ToString("N")[..8];
        var tenant = $"bench-{run}";
        var admin = new UserDocument { Id = $"{tenant}-admin", TenantId = tenant, Role = Roles.Admin, Name = "Bench Admin" };
        await services.GetRequiredService<CosmosStore>().Users.UpsertItemAsync(admin, new PartitionKey(admin.Id), cancellationToken: ct);
        var adminCaller = new AgentCaller(admin.Id, tenant, admin.Role, admin.Name, null, null);
        await services.GetRequiredService<TenantUsers>().UpsertAsync(adminCaller, $"{tenant}-agent", new UpsertUserRequest("AGENT", "Bench Agent", null, null), ct);
        await services.GetRequiredService<TenantUsers>().UpsertAsync(adminCaller, $"{tenant}-client", new UpsertUserRequest("COLLABORATOR", "Bench Client", null, null), ct);
        var machines = services.GetRequiredService<MachineRegistry>();
        var machine = await machines.RegisterAsync(adminCaller, new RegisterMachineRequest($"BENCH-{run}", null, null, null, [$"{tenant}-client"]), ct);
        await machines.HeartbeatAsync(new MachineCaller(machine.MachineId, tenant), ct);
        var ticket = await services.GetRequiredService<TicketLinks>().CreateAsync(adminCaller,
            new CreateTicketRequest(null, 1, "Bench", $"{tenant}-client", null, machine.MachineId), ct);
        var agentToken = DevTokens.Mint(identity, $"{tenant}-agent", TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(2));

        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", agentToken);
        (await http.PostAsync($"/api/tickets/{ticket.Id}/chat/session", null, ct)).EnsureSuccessStatusCode();
        for (var i = 0; i < 50; i++)
        {
            var posted = await http.PostAsJsonAsync($"/api/tickets/{ticket.Id}/chat/messages", new { body = $"mensagem {i}" }, ct);
            if (posted.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                throw new InvalidOperationException("The service rate-limits posts (60 a minute per sender): run it for the benchmark with " +
                    "RateLimits__Posts__Burst=1000000 RateLimits__Posts__PerMinute=1000000 ./run.sh (docs/performance.md).");
            posted.EnsureSuccessStatusCode();
        }
        return new Scenario(run, tenant, machine.MachineId, machine.MachineToken, ticket.Id, agentToken);
    }
}

/// <summary>The HTTP baseline: one endpoint that answers "ok", on loopback, in this process.</summary>
sealed class TrivialEndpoint : IAsyncDisposable
{
    readonly WebApplication _app;
    TrivialEndpoint(WebApplication app, string url) => (_app, Url) = (app, url);
    public string Url { get; }

    public static async Task<TrivialEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/ping", () => Results.Text("ok"));
        await app.StartAsync();
        return new TrivialEndpoint(app, app.Urls.First() + "/ping");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
