using System.Collections.Concurrent;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using LiveChat.DevHost;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LiveChat.Tests.Infrastructure;

/// <summary>
/// DevHost over real HTTP semantics (TestServer) against the local servers. One per test class, with its own
/// database and fake clock, so classes run in parallel without seeing each other's sessions.
/// </summary>
public class LiveChatApp : WebApplicationFactory<FunctionCatalog>, IAsyncLifetime
{
    public LiveChatApp() => Time = new FakeTimeProvider(ClockStart);

    /// <summary>Where the fake clock starts: real now, since Azurite checks SAS expiry against the real clock.</summary>
    protected virtual DateTimeOffset ClockStart => TimeProvider.System.GetUtcNow();

    public FakeTimeProvider Time { get; }
    public string Database { get; } = "test-" + Guid.NewGuid().ToString("N")[..12];
    public ConcurrentQueue<string> Logs { get; } = new();
    public LocalStack Stack { get; private set; } = null!;

    protected virtual Dictionary<string, string?> Settings => [];

    public virtual async Task InitializeAsync()
    {
        Stack = await LocalStack.InstanceAsync();
        _ = Services; // start the host: creates the database and containers
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string?>
        {
            ["Cosmos:ConnectionString"] = Stack.CosmosConnectionString,
            ["Cosmos:AcceptSelfSignedCertificate"] = Stack.CosmosIsLocal.ToString(),
            ["Cosmos:Database"] = Database,
            ["Blob:ConnectionString"] = Stack.BlobConnectionString,
            ["Blob:Container"] = "uploads-" + Database,
            ["SignalR:ConnectionString"] = Stack.SignalRConnectionString,
            ["DevHost:RunTimers"] = "false",
            ["DevHost:SeedDemo"] = "false",
            ["LiveChat:MachineTokenCacheFor"] = "00:00:00",
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
        });
    }

    /// <summary>An agent token for a user, as the app's identity settings accept (a dev token by default).</summary>
    public virtual string AgentToken(string userId, TimeSpan? lifetime = null) =>
        DevTokens.Mint(Services.GetRequiredService<IOptions<IdentityOptions>>().Value, userId, Time.GetUtcNow(), lifetime ?? TimeSpan.FromHours(1));

    public CosmosStore Store => Services.GetRequiredService<CosmosStore>();
    public long RoundTrips => Services.GetRequiredService<RoundTripCounter>().Count;

    /// <summary>Cosmos round trips made by <paramref name="action"/> (tests of a class run one at a time).</summary>
    public async Task<(T Result, long RoundTrips)> CountAsync<T>(Func<Task<T>> action)
    {
        var before = RoundTrips;
        var result = await action();
        return (result, RoundTrips - before);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}

sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, sink);
    public void Dispose() { }

    sealed class Logger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
