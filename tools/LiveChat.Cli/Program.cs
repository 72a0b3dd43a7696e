using System.Collections.Concurrent;
using System.Diagnostics;
using LiveChat.Client;

// A command-line client of a running LiveChat (./run.sh), built on LiveChat.Client, using the demo tenant in
// .local/demo.env:
//   listen machine|agent   print every pushed event as it arrives
//   chat machine|agent     talk on the demo ticket: lines you type are sent; /read marks what you heard read,
//                          /upload <file> attaches a file, /end (agent) ends the session; Ctrl+D or Ctrl+C quits
//   bench [count]          push latency: from an agent's post being sent to the machine hearing it (median, p99)
var demo = File.ReadAllLines(FindDemoFile()).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
var baseUrl = new Uri(demo["BASE_URL"].TrimEnd('/') + "/");
var machine = new MachineChatClient(baseUrl, demo["MACHINE_TOKEN"]);
var agent = new AgentChatClient(baseUrl, demo["AGENT_TOKEN"]);
var ticketId = demo["TICKET_ID"];
using var quit = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; quit.Cancel(); };

try
{
    switch (args)
    {
        case ["listen", var side] when side is "machine" or "agent":
            await using (await (side == "machine" ? machine.ListenAsync(Print, quit.Token) : agent.ListenAsync(Print, quit.Token)))
            {
                Console.WriteLine($"Listening as {side}; Ctrl+C to stop.");
                await Task.Delay(Timeout.Infinite, quit.Token).ContinueWith(_ => { });
            }
            return 0;
        case ["chat", var side] when side is "machine" or "agent":
            await ChatAsync(side == "machine");
            return 0;
        case ["bench", ..]:
            await BenchAsync(args.Length > 1 && int.TryParse(args[1], out var n) && n > 0 ? n : 500);
            return 0;
        default:
            Console.Error.WriteLine("usage: listen machine|agent | chat machine|agent | bench [count]");
            return 2;
    }
}
catch (LiveChatException e)
{
    Console.Error.WriteLine($"{e.Status} {e.Code}: {e.Detail}");
    return 1;
}

static void Print(string target, System.Text.Json.JsonElement payload) => Console.WriteLine($"{target}: {payload}");

async Task ChatAsync(bool asMachine)
{
    if (asMachine) await machine.HeartbeatAsync(quit.Token);
    else Console.WriteLine($"session {(await agent.StartSessionAsync(ticketId, quit.Token)).SessionId}");
    var heartbeat = asMachine ? machine.RunHeartbeatAsync(ct: quit.Token) : Task.CompletedTask;
    var unread = new ConcurrentQueue<string>();
    var feed = (asMachine ? machine.WatchMessagesAsync : (Func<string, string?, Func<ChatMessage, Task>, FeedOptions?, CancellationToken, Task>)agent.WatchMessagesAsync)(
        ticketId, null, m =>
        {
            var attachments = m.Attachments.Count == 0 ? "" : $" [{string.Join(", ", m.Attachments.Select(a => a.Name))}]";
            Console.WriteLine($"{DateTimeOffset.FromUnixTimeMilliseconds(m.CreatedAt).ToLocalTime():HH:mm:ss} {m.AuthorName}: {m.Body}{attachments}");
            if (m.IsFromMachine != asMachine) unread.Enqueue(m.Id);
            return Task.CompletedTask;
        }, null, quit.Token);
    Console.WriteLine($"Chatting on ticket {ticketId} as {(asMachine ? "the machine" : "the agent")}; /read, /upload <file>{(asMachine ? "" : ", /end")}, Ctrl+D quits.");

    while (!quit.IsCancellationRequested && await Console.In.ReadLineAsync(quit.Token) is { } line)
    {
        try
        {
            if (line == "/read")
            {
                var ids = new List<string>();
                while (unread.TryDequeue(out var id)) ids.Add(id);
                foreach (var chunk in ids.Chunk(50))
                    Console.WriteLine($"marked {(asMachine ? await machine.MarkReadAsync(ticketId, chunk, quit.Token) : await agent.MarkReadAsync(ticketId, chunk, quit.Token)).Processed} read");
            }
            else if (line.StartsWith("/upload ", StringComparison.Ordinal))
            {
                var path = line["/upload ".Length..].Trim();
                await using var file = File.OpenRead(path);
                var type = ContentTypes.GetValueOrDefault(Path.GetExtension(path).ToLowerInvariant(), "application/octet-stream");
                var progress = new Progress<long>(sent => Console.Write($"\r{sent * 100 / Math.Max(1, file.Length)}% "));
                var id = asMachine ? await machine.UploadAsync(file, Path.GetFileName(path), type, progress, quit.Token)
                    : await agent.UploadAsync(file, Path.GetFileName(path), type, progress, quit.Token);
                Console.WriteLine();
                await (asMachine ? machine.PostMessageAsync(ticketId, "", [id], ct: quit.Token) : agent.PostMessageAsync(ticketId, "", [id], ct: quit.Token));
            }
            else if (line == "/end" && !asMachine)
            {
                var session = (await agent.GetSessionsAsync(quit.Token)).FirstOrDefault(s => s.TicketId == ticketId);
                if (session is not null) await agent.EndSessionAsync(session.SessionId, quit.Token);
                break;
            }
            else if (line.Length > 0)
                await (asMachine ? machine.PostMessageAsync(ticketId, line, ct: quit.Token) : agent.PostMessageAsync(ticketId, line, ct: quit.Token));
        }
        catch (LiveChatException e)
        {
            Console.Error.WriteLine($"{e.Status} {e.Code}: {e.Detail}");
        }
        catch (IOException e)
        {
            Console.Error.WriteLine(e.Message);
        }
    }
    quit.Cancel();
    await Task.WhenAll(feed, heartbeat);
}

async Task BenchAsync(int count)
{
    await machine.HeartbeatAsync();
    await agent.StartSessionAsync(ticketId);
    var clock = Stopwatch.StartNew();
    var heard = new ConcurrentDictionary<string, double>();
    await using var listening = await machine.ListenAsync((target, payload) =>
    {
        if (target == PushEventNames.MessageCreated) heard[payload.GetProperty("messageId").GetString()!] = clock.Elapsed.TotalMilliseconds;
    });

    var latencies = new List<double>();
    for (var i = 0; i < count && !quit.IsCancellationRequested; i++)
    {
        var sentAt = clock.Elapsed.TotalMilliseconds;
        var id = (await agent.PostMessageAsync(ticketId, $"bench {i}")).MessageId;
        var wait = Stopwatch.StartNew();
        while (!heard.ContainsKey(id) && wait.ElapsedMilliseconds < 5000) await Task.Delay(1);
        if (heard.TryGetValue(id, out var at)) latencies.Add(at - sentAt);
    }
    latencies.Sort();
    double P(double p) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p * latencies.Count) - 1)];
    Console.WriteLine(latencies.Count == 0 ? "nothing was heard"
        : $"messages: {count}, heard: {latencies.Count}; agent post sent -> machine heard: median {P(0.5):F2} ms, p99 {P(0.99):F2} ms, max {latencies[^1]:F2} ms");
}

static string FindDemoFile()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, ".local", "demo.env"))) return Path.Combine(dir.FullName, ".local", "demo.env");
    throw new FileNotFoundException("No .local/demo.env: start the service with ./run.sh first.");
}

partial class Program
{
    static readonly Dictionary<string, string> ContentTypes = new()
    {
        [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".png"] = "image/png", [".gif"] = "image/gif", [".webp"] = "image/webp",
        [".pdf"] = "application/pdf", [".txt"] = "text/plain", [".doc"] = "application/msword",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", [".xls"] = "application/vnd.ms-excel",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
}
