using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

// A command-line client of a running LiveChat (./run.sh), using the demo tenant in .local/demo.env:
//   listen machine|agent   print every pushed event as it arrives
//   bench [count]          push latency: from an agent's POST returning to the machine receiving it (median, p99)
var demo = File.ReadAllLines(FindDemoFile()).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
var baseUrl = demo["BASE_URL"].TrimEnd('/');

switch (args)
{
    case ["listen", var side]:
        var token = side == "machine" ? demo["MACHINE_TOKEN"] : demo["AGENT_TOKEN"];
        await using (var connection = await ConnectAsync(side == "machine" ? "machine" : "agent", token,
                         (target, payload) => Console.WriteLine($"{target}: {payload}")))
        {
            Console.WriteLine($"Listening as {side}; Ctrl+C to stop.");
            await Task.Delay(Timeout.Infinite);
        }
        break;
    case ["bench", ..]:
        await BenchAsync(args.Length > 1 ? int.Parse(args[1]) : 500);
        break;
    default:
        Console.Error.WriteLine("usage: listen machine|agent | bench [count]");
        Environment.Exit(2);
        break;
}

async Task<HubConnection> ConnectAsync(string side, string token, Action<string, JsonElement> onEvent)
{
    var connection = new HubConnectionBuilder()
        .WithUrl($"{baseUrl}/api/{side}", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
        .WithAutomaticReconnect()
        .Build();
    foreach (var target in new[] { "sessionStarted", "sessionEnded", "messageCreated", "messagesRead", "unreadChanged" })
        connection.On<JsonElement>(target, payload => onEvent(target, payload));
    await connection.StartAsync();
    return connection;
}

async Task BenchAsync(int count)
{
    using var agent = new HttpClient { BaseAddress = new Uri(baseUrl) };
    agent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", demo["AGENT_TOKEN"]);
    var ticket = demo["TICKET_ID"];
    (await agent.PostAsync($"/api/tickets/{ticket}/chat/session", null)).EnsureSuccessStatusCode();

    var clock = Stopwatch.StartNew();
    var received = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
    await using var machine = await ConnectAsync("machine", demo["MACHINE_TOKEN"], (target, payload) =>
    {
        if (target == "messageCreated") received[payload.GetProperty("messageId").GetString()!] = clock.ElapsedTicks;
    });

    var afterReturn = new List<double>();
    var endToEnd = new List<double>();
    static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
    for (var i = 0; i < count; i++)
    {
        var sentAt = clock.ElapsedTicks;
        var response = await agent.PostAsJsonAsync($"/api/tickets/{ticket}/chat/messages", new { body = $"bench {i}" });
        var returnedAt = clock.ElapsedTicks;
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString()!;
        var wait = Stopwatch.StartNew();
        while (!received.ContainsKey(id) && wait.ElapsedMilliseconds < 5000) await Task.Delay(1);
        if (!received.TryGetValue(id, out var at)) continue;
        afterReturn.Add(Math.Max(0, Ms(at - returnedAt)));
        endToEnd.Add(Ms(at - sentAt));
    }
    static string Summary(List<double> values)
    {
        values.Sort();
        double P(double p) => values[(int)Math.Min(values.Count - 1, Math.Ceiling(p * values.Count) - 1)];
        return $"median {P(0.5):F2} ms, p99 {P(0.99):F2} ms, max {values[^1]:F2} ms";
    }
    Console.WriteLine($"messages: {count}, received: {endToEnd.Count}");
    Console.WriteLine($"POST returned -> machine received: {Summary(afterReturn)} (0 when the push arrived before the response)");
    Console.WriteLine($"POST sent     -> machine received: {Summary(endToEnd)}");
}

static string FindDemoFile()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, ".local", "demo.env"))) return Path.Combine(dir.FullName, ".local", "demo.env");
    throw new FileNotFoundException("No .local/demo.env: start the service with ./run.sh first.");
}
