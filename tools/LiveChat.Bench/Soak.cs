using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveChat.Core.Chat;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using LiveChat.Tools;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using LiveChat.Core;
using LiveChat.Core.Webhooks;

/// <summary>
/// The soak (docs/local-and-tests.md, "Tests"): a stack of its own — the Cosmos, Azurite and SignalR stand-ins and two
/// Functions host stand-ins whose workers share one store — under steady traffic from 8 threads (posts with
/// clientMessageIds retried after 503s and network errors, duplicate and parallel mark-reads, polls) while the Cosmos
/// stand-in is frozen by PID every ~30 s for 3–8 s and the SignalR stand-in twice for 10 s; a webhook endpoint of the
/// tenant wants every message.created. At the end every session's counters must equal its unread messages (after the
/// sweep's recount), every acknowledged message must be stored exactly once, and its message.created must have reached
/// the webhook receiver, verified. Exit code 0 when all hold.
///   dotnet run --project tools/LiveChat.Bench -c Release -- soak [--minutes 5] [--chats 20]
/// </summary>
static class Soak
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var minutes = double.TryParse(Value("--minutes"), System.Globalization.CultureInfo.InvariantCulture, out var m) ? m : 5;
        var chats = int.TryParse(Value("--chats"), out var c) ? c : 20;
        await using var stack = await SoakStack.StartAsync();
        Console.WriteLine($"Soak: {minutes} min, {chats} chats, 8 threads, two workers on one store ({stack.Instances[0]}, {stack.Instances[1]})");

        var world = await World.CreateAsync(stack, chats);
        var traffic = new Traffic(stack, world);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
        var faults = Faults.RunAsync(stack, stop.Token);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => traffic.RunAsync(i, stop.Token)).Append(faults));
        stack.Resume();

        Console.WriteLine($"Traffic done: {traffic.Summary()}");
        return await Verify.RunAsync(stack, world, traffic, TimeSpan.FromMinutes(Math.Max(3, minutes))) ? 0 : 1;
    }
}

/// <summary>The stand-ins and two hosts, each a process of its own, killed when disposed.</summary>
sealed class SoakStack : IAsyncDisposable
{
    readonly List<Process> _processes = [];
    public Process Cosmos { get; private set; } = null!;
    public Process SignalR { get; private set; } = null!;
    public required string[] Instances { get; init; }
    /// <summary>local/webhook-receiver.mjs: verifies each delivery with the standardwebhooks npm package and lists them.</summary>
    public required string WebhookReceiver { get; init; }
    public required IConfiguration Settings { get; init; }
    /// <summary>LiveChat.Core on the same settings, in this process: to seed and to read the store at the end.</summary>
    public ServiceProvider Services { get; private set; } = null!;
    public CosmosStore Store => Services.GetRequiredService<CosmosStore>();

    public static async Task<SoakStack> StartAsync()
    {
        var root = LocalSettings.RepoRoot();
        string Release(string project, string dll) => Path.Combine(root, project, "bin", "Release", "net10.0", dll);
        int FreePort() { using var l = new TcpListener(IPAddress.Loopback, 0); l.Start(); return ((IPEndPoint)l.LocalEndpoint).Port; }
        var (cosmosPort, blobPort, queuePort, signalRPort, receiverPort) = (FreePort(), FreePort(), FreePort(), FreePort(), FreePort());
        const string signalRKey = "soak-signalr-access-key-0123456789abcdef";

        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "local.settings.sample.json")))!;
        var values = sample["Values"]!.AsObject();
        values["Cosmos__ConnectionString"] = $"AccountEndpoint=https://127.0.0.1:{cosmosPort}/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
        values["Blob__ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                                           $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;";
        values["WebhookQueue"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                                 $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;";
        values["SignalR__ConnectionString"] = $"Endpoint=http://127.0.0.1:{signalRPort};AccessKey={signalRKey};Version=1.0;";
        values["LiveChat__UnreadRecountEvery"] = "00:01:00";
        values["LiveChat__MachineTokenCacheFor"] = "00:00:05";
        foreach (var kind in new[] { "Posts", "Uploads", "Typing", "Negotiate" })
            (values[$"RateLimits__{kind}__Burst"], values[$"RateLimits__{kind}__PerMinute"]) = ("100000", "100000");
        var settingsFile = Path.Combine(Path.GetTempPath(), $"livechat-soak-{Guid.NewGuid():N}.json");
        File.WriteAllText(settingsFile, sample.ToJsonString());

        var stack = new SoakStack
        {
            Instances = [$"http://127.0.0.1:{FreePort()}", $"http://127.0.0.1:{FreePort()}"],
            WebhookReceiver = $"http://127.0.0.1:{receiverPort}",
            Settings = new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key.Replace("__", ":"), v => (string?)v.Value?.ToString())).Build(),
        };
        stack.Cosmos = stack.Start("node", Path.Combine(root, "local", "cosmos", "server.js"), cosmosPort.ToString());
        stack.Start("node", Path.Combine(root, "local", "node_modules", "azurite", "dist", "src", "blob", "main.js"), "--blobHost", "127.0.0.1",
            "--blobPort", blobPort.ToString(), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent");
        stack.Start("node", Path.Combine(root, "local", "node_modules", "azurite", "dist", "src", "queue", "main.js"), "--queueHost", "127.0.0.1",
            "--queuePort", queuePort.ToString(), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent");
        stack.Start("node", Path.Combine(root, "local", "webhook-receiver.mjs"), receiverPort.ToString());
        stack.SignalR = stack.Start("dotnet", Release("local/signalr", "LiveChat.SignalRStandIn.dll"), "--urls", $"http://127.0.0.1:{signalRPort}",
            "--AccessKey", signalRKey, "--Logging:LogLevel:Default=Warning");
        await WaitAsync($"https://127.0.0.1:{cosmosPort}/");
        await WaitAsync($"{stack.WebhookReceiver}/_received");
        foreach (var instance in stack.Instances)
            stack.Start("dotnet", Release("local/functions-host", "LiveChat.FunctionsHost.dll"), "--ScriptRoot", Path.Combine(root, "LiveChat.Functions", "bin", "Release", "net10.0"),
                "--SettingsFile", settingsFile, "--Port", new Uri(instance).Port.ToString(), "--Logging:LogLevel:Default=Warning");
        foreach (var instance in stack.Instances) await WaitAsync($"{instance}/api/health", ok: true);

        stack.Services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Error)).AddLiveChatCore(stack.Settings).BuildServiceProvider();
        return stack;
    }

    Process Start(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    static async Task WaitAsync(string url, bool ok = false)
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { Timeout = TimeSpan.FromSeconds(2) };
        for (var until = Stopwatch.StartNew(); until.Elapsed < TimeSpan.FromSeconds(90); await Task.Delay(200))
        {
            try
            {
                var response = await http.GetAsync(url);
                if (!ok || response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
        }
        throw new TimeoutException($"{url} did not answer");
    }

    public static void Signal(Process process, string signal) => Process.Start("kill", [$"-{signal}", process.Id.ToString()])!.WaitForExit();

    public void Resume()
    {
        Signal(Cosmos, "CONT");
        Signal(SignalR, "CONT");
    }

    public async ValueTask DisposeAsync()
    {
        Resume();
        foreach (var p in _processes) { try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }
        await Services.DisposeAsync();
    }
}

/// <summary>One tenant with an agent and <c>chats</c> machines, each with a ticket and an ACTIVE session.</summary>
sealed record World(string AgentToken, IReadOnlyList<World.Chat> Chats)
{
    public sealed record Chat(string TenantId, string TicketId, string MachineId, string MachineToken, string SessionId);

    public static async Task<World> CreateAsync(SoakStack stack, int count)
    {
        var tenant = "soak-" + Guid.NewGuid().ToString("N")[..8];
        var identity = stack.Services.GetRequiredService<IOptions<IdentityOptions>>().Value;
        await stack.Services.GetRequiredService<StorageInitializer>().CreateAsync(default);
        var admin = new UserDocument { Id = $"{tenant}-admin", TenantId = tenant, Role = Roles.Admin, Name = "Soak Admin" };
        await stack.Store.Users.UpsertItemAsync(admin, new PartitionKey(admin.Id));
        using var http = new HttpClient { BaseAddress = new Uri(stack.Instances[0]) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevTokens.Mint(identity, admin.Id, TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(2)));
        // Before any chat, so no worker has cached "no endpoints" for the tenant: every message.created is sent.
        var webhook = await (await http.PostAsJsonAsync("/api/manage/webhooks", new { url = $"{stack.WebhookReceiver}/livechat", events = new[] { "message.created" } }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        (await http.PostAsJsonAsync($"{stack.WebhookReceiver}/_control", new { secrets = new[] { webhook.GetProperty("secret").GetString() } })).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync($"/api/manage/users/{tenant}-agent", new { role = "AGENT", name = "Soak Agent" })).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync($"/api/manage/users/{tenant}-client", new { role = "COLLABORATOR", name = "Soak Client" })).EnsureSuccessStatusCode();
        var agentToken = DevTokens.Mint(identity, $"{tenant}-agent", TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(2));
        var chats = new List<Chat>();
        for (var i = 0; i < count; i++)
        {
            var machine = await (await http.PostAsJsonAsync("/api/manage/machines", new { hostname = $"SOAK-{i}" })).Content.ReadFromJsonAsync<JsonElement>();
            var (machineId, token) = (machine.GetProperty("machineId").GetString()!, machine.GetProperty("machineToken").GetString()!);
            var ticket = await (await http.PostAsJsonAsync("/api/manage/tickets", new { reference = i, subject = $"Soak {i}", requesterId = $"{tenant}-client", machineId }))
                .Content.ReadFromJsonAsync<JsonElement>();
            using var asMachine = new HttpRequestMessage(HttpMethod.Post, "/api/machine/heartbeat") { Headers = { Authorization = new("Bearer", token) } };
            (await http.SendAsync(asMachine)).EnsureSuccessStatusCode();
            using var start = new HttpRequestMessage(HttpMethod.Post, $"/api/tickets/{ticket.GetProperty("id").GetString()}/chat/session") { Headers = { Authorization = new("Bearer", agentToken) } };
            var session = await (await http.SendAsync(start)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            chats.Add(new Chat(tenant, ticket.GetProperty("id").GetString()!, machineId, token, session.GetProperty("sessionId").GetString()!));
        }
        return new World(agentToken, chats);
    }
}

/// <summary>The load: every request to either worker, posts retried with their clientMessageId until acknowledged.</summary>
sealed class Traffic(SoakStack stack, World world)
{
    readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(15) };
    readonly ConcurrentDictionary<string, int> _statuses = new();
    readonly ConcurrentDictionary<string, ConcurrentBag<string>> _agentMessages = new(), _machineMessages = new();
    public ConcurrentDictionary<string, string> Acknowledged { get; } = new(); // message id → ticket id
    long _requests, _slowest;

    public string Summary() => $"{_requests:N0} requests; " + string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value:N0}")) +
                               $"; {Acknowledged.Count:N0} messages acknowledged; slowest answer {_slowest} ms";

    public int UnexpectedServerErrors => _statuses.Where(s => s.Key.StartsWith('5') && s.Key != "503").Sum(s => s.Value);

    public async Task RunAsync(int thread, CancellationToken stop)
    {
        var random = new Random(thread);
        while (!stop.IsCancellationRequested)
        {
            var chat = world.Chats[random.Next(world.Chats.Count)];
            var roll = random.Next(100);
            if (roll < 30) await PostAsync(chat, fromMachine: true, random, stop);
            else if (roll < 60) await PostAsync(chat, fromMachine: false, random, stop);
            else if (roll < 75) await MarkReadAsync(chat, byMachine: true, random);
            else if (roll < 85) await MarkReadAsync(chat, byMachine: false, random);
            // About every 5 s per machine at this load: the machines stay online (5 min without a heartbeat ends their chats).
            else if (roll < 87) await SendAsync(HttpMethod.Post, "/api/machine/heartbeat", chat.MachineToken, null, random);
            else await SendAsync(HttpMethod.Get, "/api/machine/chat/updates", chat.MachineToken, null, random);
        }
    }

    async Task PostAsync(World.Chat chat, bool fromMachine, Random random, CancellationToken stop)
    {
        var (path, token) = fromMachine
            ? ($"/api/machine/tickets/{chat.TicketId}/chat/messages", chat.MachineToken)
            : ($"/api/tickets/{chat.TicketId}/chat/messages", world.AgentToken);
        var body = new { body = $"soak {Guid.NewGuid():N}", clientMessageId = Guid.NewGuid().ToString("N") };
        // Like the client library: the same clientMessageId on every try, until the service acknowledges it.
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var (status, answer) = await SendAsync(HttpMethod.Post, path, token, body, random);
            if (status is 200 or 201)
            {
                var id = answer!.Value.GetProperty("messageId").GetString()!;
                Acknowledged[id] = chat.TicketId;
                (fromMachine ? _machineMessages : _agentMessages).GetOrAdd(chat.TicketId, _ => []).Add(id);
                return;
            }
            if (status is not (0 or 408 or 429 or 503) && !(status == 409 && answer?.GetProperty("code").GetString() == "message_in_progress")) return;
            await Task.Delay(status == 409 ? 2000 : 300, CancellationToken.None);
        }
    }

    async Task MarkReadAsync(World.Chat chat, bool byMachine, Random random)
    {
        // The machine reads agent messages and the other way round; the same ids from two threads at once, on both workers.
        var known = (byMachine ? _agentMessages : _machineMessages).GetValueOrDefault(chat.TicketId)?.ToArray() ?? [];
        if (known.Length == 0) return;
        var ids = Enumerable.Range(0, Math.Min(5, known.Length)).Select(_ => known[random.Next(known.Length)]).Distinct().ToArray();
        var (path, token) = byMachine
            ? ($"/api/machine/tickets/{chat.TicketId}/chat/read", chat.MachineToken)
            : ($"/api/tickets/{chat.TicketId}/chat/read", world.AgentToken);
        await Task.WhenAll(SendAsync(HttpMethod.Post, path, token, new { messageIds = ids }, random),
            SendAsync(HttpMethod.Post, path, token, new { messageIds = ids }, random));
    }

    async Task<(int Status, JsonElement? Body)> SendAsync(HttpMethod method, string path, string token, object? body, Random random)
    {
        var instance = stack.Instances[random.Next(2)];
        using var request = new HttpRequestMessage(method, instance + path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Interlocked.Increment(ref _requests);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(request);
            var status = (int)response.StatusCode;
            _statuses.AddOrUpdate(status.ToString(), 1, (_, n) => n + 1);
            var text = await response.Content.ReadAsStringAsync();
            return (status, text.Length > 0 && text[0] == '{' ? JsonDocument.Parse(text).RootElement.Clone() : null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            _statuses.AddOrUpdate("network", 1, (_, n) => n + 1);
            return (0, null);
        }
        finally
        {
            var took = watch.ElapsedMilliseconds;
            for (var slowest = Interlocked.Read(ref _slowest); took > slowest; slowest = Interlocked.Read(ref _slowest))
                if (Interlocked.CompareExchange(ref _slowest, took, slowest) == slowest) break;
        }
    }
}

/// <summary>Freezes by PID: Cosmos every ~30 s for 3–8 s, SignalR for 10 s at a third and at two thirds of the run.</summary>
static class Faults
{
    public static async Task RunAsync(SoakStack stack, CancellationToken stop)
    {
        var random = new Random(7);
        var (cosmosFreezes, signalRFreezes) = (0, 0);
        var started = Stopwatch.StartNew();
        var total = TimeSpan.Zero;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(20 + random.Next(15)), stop);
                var freeze = TimeSpan.FromSeconds(3 + random.Next(6));
                var signalR = signalRFreezes < 2 && started.Elapsed.TotalMinutes > (signalRFreezes + 1) * 1.5;
                SoakStack.Signal(stack.Cosmos, "STOP");
                if (signalR) SoakStack.Signal(stack.SignalR, "STOP");
                try { await Task.Delay(signalR ? TimeSpan.FromSeconds(10) : freeze, stop); }
                finally
                {
                    SoakStack.Signal(stack.Cosmos, "CONT");
                    if (signalR) SoakStack.Signal(stack.SignalR, "CONT");
                }
                cosmosFreezes++;
                if (signalR) signalRFreezes++;
                total += signalR ? TimeSpan.FromSeconds(10) : freeze;
                Console.WriteLine($"  {started.Elapsed:mm\\:ss} Cosmos frozen {(signalR ? "10 s, with SignalR" : $"{freeze.TotalSeconds} s")}");
            }
        }
        catch (OperationCanceledException) { }
        Console.WriteLine($"Faults: Cosmos frozen {cosmosFreezes} times ({total.TotalSeconds} s in all), SignalR {signalRFreezes} times");
    }
}

/// <summary>
/// The end state: every counter equal to its unread messages and shown as such by the machine's poll, every
/// acknowledged message stored once.
/// </summary>
static class Verify
{
    public static async Task<bool> RunAsync(SoakStack stack, World world, Traffic traffic, TimeSpan webhooksWithin)
    {
        var before = await MismatchesAsync(stack, world);
        // Past the time a request may still be between its writes, a sweep run on each worker recounts every session.
        await Task.Delay(TimeSpan.FromSeconds(12));
        using var http = new HttpClient();
        foreach (var instance in stack.Instances) (await http.PostAsync($"{instance}/admin/functions/AutoEndInactiveSessions", null)).EnsureSuccessStatusCode();
        await Task.Delay(TimeSpan.FromSeconds(8));
        var after = await MismatchesAsync(stack, world);

        var stored = new Dictionary<string, int>();
        foreach (var chat in world.Chats)
            foreach (var id in await stack.Store.Messages.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.ticketId = @t")
                         .WithParameter("@t", chat.TicketId), chat.TicketId, default))
                stored[id] = stored.GetValueOrDefault(id) + 1;
        var missing = traffic.Acknowledged.Keys.Count(id => !stored.ContainsKey(id));
        var duplicated = stored.Count(s => s.Value > 1);

        Console.WriteLine($"Counters: {before.Count} of {world.Chats.Count} sessions disagreed with their messages or their machine's inbox before the recount, " +
                          $"{after.Count} after{(after.Count > 0 ? ": " + string.Join("; ", after) : "")}");
        Console.WriteLine($"Messages: {traffic.Acknowledged.Count:N0} acknowledged, {stored.Count:N0} stored, {missing} acknowledged but missing, {duplicated} stored twice");
        var undelivered = await UndeliveredAsync(stack, traffic, webhooksWithin);
        Console.WriteLine($"5xx other than 503: {traffic.UnexpectedServerErrors}");
        var ok = after.Count == 0 && missing == 0 && duplicated == 0 && traffic.UnexpectedServerErrors == 0 && undelivered == 0;
        Console.WriteLine(ok ? "Soak passed." : "Soak FAILED.");
        return ok;
    }

    /// <summary>
    /// Acknowledged messages whose message.created the receiver has not verified and accepted, once all are or
    /// <paramref name="within"/> has passed (the deliveries lag behind this load: see docs/local-and-tests.md).
    /// </summary>
    static async Task<int> UndeliveredAsync(SoakStack stack, Traffic traffic, TimeSpan within)
    {
        using var http = new HttpClient();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var received = await http.GetFromJsonAsync<List<JsonElement>>($"{stack.WebhookReceiver}/_received") ?? [];
            var delivered = received.Where(r => r.GetProperty("verified").GetBoolean() && r.GetProperty("status").GetInt32() == 204)
                .Select(r => r.GetProperty("body").GetProperty("data").GetProperty("messageId").GetString()!).ToHashSet();
            var undelivered = traffic.Acknowledged.Keys.Count(id => !delivered.Contains(id));
            if (undelivered == 0 || watch.Elapsed > within)
            {
                Console.WriteLine($"Webhooks: {delivered.Count:N0} message.created verified by a standardwebhooks receiver ({received.Count:N0} deliveries, " +
                                  $"{received.Count(r => !r.GetProperty("verified").GetBoolean())} unverified), {undelivered} acknowledged messages undelivered after {watch.Elapsed.TotalSeconds:0} s");
                if (undelivered > 0) Console.WriteLine(await WhereTheyAreAsync(stack, traffic.Acknowledged.Keys.Where(id => !delivered.Contains(id)).ToList()));
                return undelivered;
            }
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>Where undelivered events stand in the store: still in the outbox, a delivery not yet succeeded, or nowhere.</summary>
    static async Task<string> WhereTheyAreAsync(SoakStack stack, List<string> messageIds)
    {
        var outbox = (await stack.Store.WebhookOutbox.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c"), ContainerExtensions.AllPartitions, default)).ToHashSet();
        var deliveries = (await stack.Store.WebhookDeliveries.QueryAsync<WebhookDeliveryDocument>(
            new QueryDefinition("SELECT * FROM c WHERE c.status != 'succeeded'"), ContainerExtensions.AllPartitions, default)).ToDictionary(d => d.Id);
        var events = messageIds.Select(id => WebhookOutbox.EventId(WebhookEventTypes.MessageCreated, id)).ToList();
        var stuck = events.Where(deliveries.ContainsKey).Select(id => deliveries[id]).ToList();
        var errors = stuck.SelectMany(d => d.History.Take(1)).GroupBy(a => a.StatusCode?.ToString() ?? a.Error ?? "?").Select(g => $"{g.Key} ×{g.Count()}");
        return $"  of which {events.Count(outbox.Contains)} still in the outbox, " +
               $"{stuck.Count} deliveries not succeeded ({string.Join(", ", stuck.GroupBy(d => $"{d.Status}/{d.Attempts} attempts").Select(g => $"{g.Key} ×{g.Count()}"))}; last errors: {string.Join(", ", errors)}), " +
               $"{events.Count(id => !outbox.Contains(id) && !deliveries.ContainsKey(id))} with no trace in the store";
    }

    static async Task<List<string>> MismatchesAsync(SoakStack stack, World world)
    {
        var mismatches = new List<string>();
        foreach (var chat in world.Chats)
        {
            var session = (await stack.Store.Sessions.ReadItemAsync<SessionDocument>(chat.SessionId, SessionDocument.KeyOf(chat.TenantId, chat.MachineId))).Resource;
            var messages = await stack.Store.Messages.QueryAsync<MessageDocument>(new QueryDefinition("SELECT * FROM c WHERE c.sessionId = @s")
                .WithParameter("@s", chat.SessionId), chat.TicketId, default);
            var (machine, agent) = (messages.LongCount(x => !x.FromMachine && x.ReadByMachineAt is null), messages.LongCount(x => x.FromMachine && x.ReadByAgentAt is null));
            if ((machine, agent) != (session.UnreadByMachine, session.UnreadByAgent))
                mismatches.Add($"{chat.SessionId}: machine {session.UnreadByMachine} (messages say {machine}), agent {session.UnreadByAgent} ({agent})");
            // What the machine's poll shows: its inbox entry, at the session's last version.
            var inbox = await stack.Store.MachineInboxes.ReadOrNullAsync<InboxDocument>(chat.MachineId, chat.MachineId, default);
            if (inbox?.Sessions.GetValueOrDefault(chat.SessionId) is not { } entry || (entry.Version, entry.UnreadByMachine) != (session.Version, session.UnreadByMachine))
                mismatches.Add($"{chat.SessionId}: the machine's inbox shows version {inbox?.Sessions.GetValueOrDefault(chat.SessionId)?.Version}, the session is at {session.Version}");
        }
        return mismatches;
    }
}
