using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LiveChat.Tests.Infrastructure;

/// <summary>
/// The local stand-ins (Cosmos, Azurite, SignalR) started once per test run on free ports, and stopped when the run ends.
/// Set LIVECHAT_TEST_COSMOS / LIVECHAT_TEST_BLOB / LIVECHAT_TEST_QUEUE to connection strings to run against servers of your own
/// (the official emulators, or real Azure) instead.
/// </summary>
public sealed class LocalStack
{
    static readonly Lazy<Task<LocalStack>> Shared = new(StartAsync);
    readonly List<Process> _processes = [];

    public static Task<LocalStack> InstanceAsync() => Shared.Value;

    public required string CosmosConnectionString { get; init; }
    public required bool CosmosIsLocal { get; init; }
    public required string BlobConnectionString { get; init; }
    /// <summary>Azurite's queue service (the webhook queue), or LIVECHAT_TEST_QUEUE.</summary>
    public required string QueueConnectionString { get; init; }
    public required string SignalRConnectionString { get; init; }
    public const string SignalRAccessKey = "test-signalr-access-key-0123456789abcdef";

    public static string RepoRoot { get; } = FindRepoRoot();

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LiveChat.sln"))) return dir.FullName;
        throw new InvalidOperationException("LiveChat.sln not found above the test binaries.");
    }

    static async Task<LocalStack> StartAsync()
    {
        var cosmos = Environment.GetEnvironmentVariable("LIVECHAT_TEST_COSMOS");
        var blob = Environment.GetEnvironmentVariable("LIVECHAT_TEST_BLOB");
        var processes = new List<Process>();
        var local = Path.Combine(RepoRoot, "local");
        if (!Directory.Exists(Path.Combine(local, "node_modules")))
            throw new InvalidOperationException("Run `npm ci --prefix local` (the README's test command does) before the tests.");
        // Not stopped with the rest: it must outlive this process, whose exit handlers may be cut short.
        if (OperatingSystem.IsLinux())
            StartNode(Path.Combine(local, "reaper.mjs"), Environment.ProcessId.ToString(),
                Path.Combine(RepoRoot, "LiveChat.Functions", "bin"), Path.Combine(local, "cosmos", "server.js"), Path.Combine(local, "node_modules", "azurite"));

        if (cosmos is null)
        {
            var port = FreePort();
            processes.Add(await StartCosmosAsync(port));
            cosmos = CosmosConnectionStringFor(port);
        }
        if (blob is null)
        {
            var port = FreePort();
            processes.Add(StartAzurite(port));
            blob = await AzuriteAsync("Blob", port);
        }
        var queue = Environment.GetEnvironmentVariable("LIVECHAT_TEST_QUEUE");
        if (queue is null)
        {
            var port = FreePort();
            processes.Add(StartAzuriteQueue(port));
            queue = await AzuriteAsync("Queue", port);
        }

        var signalRPort = FreePort();
        var signalR = SignalRStandIn.StandIn.Build(SignalRAccessKey, ["--urls", $"http://127.0.0.1:{signalRPort}", "--Logging:LogLevel:Default=Warning"]);
        await signalR.StartAsync();

        var stack = new LocalStack
        {
            CosmosConnectionString = cosmos, CosmosIsLocal = cosmos.Contains("127.0.0.1"), BlobConnectionString = blob, QueueConnectionString = queue,
            SignalRConnectionString = $"Endpoint=http://127.0.0.1:{signalRPort};AccessKey={SignalRAccessKey};Version=1.0;",
        };
        stack._processes.AddRange(processes);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stack.Stop();
        return stack;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The Cosmos stand-in on 127.0.0.1:port, answering.</summary>
    public static async Task<Process> StartCosmosAsync(int port)
    {
        var process = StartNode(Path.Combine(RepoRoot, "local", "cosmos", "server.js"), port.ToString());
        await WaitForAsync(new Uri($"https://127.0.0.1:{port}/"));
        return process;
    }

    public static string CosmosConnectionStringFor(int port) =>
        $"AccountEndpoint=https://127.0.0.1:{port}/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    /// <summary>Azurite's blob service in memory on 127.0.0.1:port; extra arguments e.g. for OAuth over HTTPS.</summary>
    public static Process StartAzurite(int port, params string[] extraArgs) =>
        StartNode(Path.Combine(RepoRoot, "local", "node_modules", "azurite", "dist", "src", "blob", "main.js"),
            ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", .. extraArgs]);

    /// <summary>The connection string of an Azurite service ("Blob", "Queue") on 127.0.0.1:port, once it answers.</summary>
    static async Task<string> AzuriteAsync(string service, int port)
    {
        await WaitForAsync(new Uri($"http://127.0.0.1:{port}/devstoreaccount1?comp=list"));
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
               + $"{service}Endpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    /// <summary>Azurite's queue service in memory on 127.0.0.1:port.</summary>
    public static Process StartAzuriteQueue(int port) =>
        StartNode(Path.Combine(RepoRoot, "local", "node_modules", "azurite", "dist", "src", "queue", "main.js"),
            ["--queueHost", "127.0.0.1", "--queuePort", port.ToString(), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent"]);

    static Process StartNode(string script, params string[] args)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start node {script}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitForAsync(Uri url)
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
            { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 150; i++)
        {
            try
            {
                await http.GetAsync(url);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(200);
            }
        }
        throw new TimeoutException($"{url} did not answer.");
    }

    void Stop()
    {
        foreach (var p in _processes)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
    }
}
