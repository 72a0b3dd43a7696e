using System.Collections.Concurrent;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using LiveChat.FunctionsHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveChat.Tests.Infrastructure;

/// <summary>
/// The Function App as it runs in Azure: the real LiveChat.Functions worker process under the Functions host
/// stand-in (local/functions-host), reached over HTTP, against the local servers. One host and worker per set of
/// settings for the whole run (tests isolate by tenant); a subclass with other settings gets its own.
/// </summary>
public class LiveChatApp : IAsyncLifetime
{
    static readonly ConcurrentDictionary<string, Lazy<Task<RunningApp>>> Running = new();
    RunningApp? _running;

    protected virtual Dictionary<string, string?> Settings => [];

    RunningApp App => _running ?? throw new InvalidOperationException("Not initialized.");
    public Uri BaseAddress => App.BaseAddress;
    public CosmosStore Store => App.Services.GetRequiredService<CosmosStore>();
    /// <summary>The app's services on its settings, in this process (e.g. for a tool that writes to the same store).</summary>
    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();
    public ConcurrentQueue<string> Logs => App.Logs;
    public int WorkerProcessId => App.Host.Services.GetRequiredService<WorkerProcess>().ProcessId ?? 0;
    public IdentityOptions Identity => App.Services.GetRequiredService<IOptions<IdentityOptions>>().Value;

    public virtual async Task InitializeAsync()
    {
        var settings = Settings;
        var key = string.Join(";", settings.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}"));
        _running = await Running.GetOrAdd(key, _ => new Lazy<Task<RunningApp>>(() => RunningApp.StartAsync(settings))).Value;
    }

    /// <summary>The worker's logs reach the host over gRPC, possibly just after the response that caused them.</summary>
    public Task<bool> LoggedAsync(Func<string, bool> line, int timeoutMs = 5000) => Poll.UntilAsync(() => Logs.Any(line), timeoutMs);

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <summary>An agent token for a user, as the app's identity settings accept (a dev token by default).</summary>
    public virtual string AgentToken(string userId, TimeSpan? lifetime = null) =>
        DevTokens.Mint(Identity, userId, TimeProvider.System.GetUtcNow(), lifetime ?? TimeSpan.FromHours(1));

    public virtual Task DisposeAsync() => Task.CompletedTask; // shared for the run; stopped when the test process exits

    /// <summary>
    /// Another host and worker on the same settings, so the same store: what a scale-out gives. Stopped with the run.
    /// </summary>
    public async Task<HttpClient> AnotherInstanceAsync(string? token = null)
    {
        var (_, baseAddress, _) = await StartHostAsync(App.Settings);
        var client = new HttpClient { BaseAddress = baseAddress };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (!await Poll.UntilAsync(async () => (await client.GetAsync("/api/health")).IsSuccessStatusCode, 30_000))
            throw new InvalidOperationException("The other instance did not serve /api/health");
        return client;
    }

    sealed record RunningApp(WebApplication Host, ServiceProvider Services, Uri BaseAddress, ConcurrentQueue<string> Logs,
        IReadOnlyDictionary<string, string?> Settings)
    {
        public static async Task<RunningApp> StartAsync(Dictionary<string, string?> overrides)
        {
            var stack = await LocalStack.InstanceAsync();
            var settings = TestSettings.For(stack, "http-" + Guid.NewGuid().ToString("N")[..12], overrides);
            // The schedule stays off so no sweep runs under a test's feet; tests run it through the admin endpoint.
            settings["AzureWebJobs.AutoEndInactiveSessions.Disabled"] = "true";
            settings["AzureWebJobs.RelayWebhookEvents.Disabled"] = "true";
            var services = await CoreApp.StartAsync(settings, TimeProvider.System);
            var (host, baseAddress, logs) = await StartHostAsync(settings);
            var running = new RunningApp(host, services, baseAddress, logs, settings);
            await running.WaitUntilServingAsync();
            return running;
        }

        /// <summary>Health answers 503 while the store client still starts (its first account read) on a busy machine.</summary>
        async Task WaitUntilServingAsync()
        {
            using var http = new HttpClient { BaseAddress = BaseAddress };
            if (!await Poll.UntilAsync(async () => (await http.GetAsync("/api/health")).IsSuccessStatusCode, 30_000))
                throw new InvalidOperationException($"The worker did not serve /api/health\n{string.Join('\n', Logs)}");
        }
    }

    /// <summary>The host stand-in in this process, running the worker with these app settings; its logs are collected.</summary>
    public static async Task<(WebApplication Host, Uri BaseAddress, ConcurrentQueue<string> Logs)> StartHostAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var port = LocalStack.FreePort();
        var logs = new ConcurrentQueue<string>();
        var host = FunctionsHostApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ScriptRoot"] = WorkerBuild, ["SettingsFile"] = TestSettings.SampleFile, ["Port"] = port.ToString(),
            }.Concat(TestSettings.AsAppSettings(settings).Select(s => KeyValuePair.Create("Values:" + s.Key, s.Value))));
            builder.Logging.ClearProviders().AddProvider(new ObserverLoggerProvider(logs));
        });
        host.Services.GetRequiredService<WorkerLogSink>().Observer = logs.Enqueue;
        await host.StartAsync();
        // The test process may end without stopping the host: its worker must not outlive the run.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => host.Services.GetRequiredService<WorkerProcess>().Kill();
        return (host, new Uri($"http://127.0.0.1:{port}"), logs);
    }

    /// <summary>The host's own log lines (warnings and up) next to the worker's.</summary>
    sealed class ObserverLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, sink);
        public void Dispose() { }

        sealed class Logger(string category, ConcurrentQueue<string> sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && !category.StartsWith("Worker");
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }

    /// <summary>The worker's build output in the configuration the tests were built in (Release under test.sh).</summary>
    public static string WorkerBuild { get; } = Path.Combine(LocalStack.RepoRoot, "LiveChat.Functions", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, new DirectoryInfo(AppContext.BaseDirectory).Name);
}
