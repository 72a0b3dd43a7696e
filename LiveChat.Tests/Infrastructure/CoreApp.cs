using LiveChat.Core;
using LiveChat.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LiveChat.Tests.Infrastructure;

/// <summary>
/// LiveChat.Core in this process, with a fake clock and a database of its own, for tests that control time or count
/// round trips: they call the use cases directly, without HTTP. Registered exactly as the worker registers them.
/// </summary>
public class CoreApp : IAsyncLifetime
{
    ServiceProvider? _services;

    /// <summary>Where the fake clock starts: real now, since Azurite checks SAS expiry against the real clock.</summary>
    protected virtual DateTimeOffset ClockStart => TimeProvider.System.GetUtcNow();
    protected virtual Dictionary<string, string?> Settings => [];
    protected virtual void ConfigureServices(IServiceCollection services) { }

    public FakeTimeProvider Time { get; private set; } = null!;
    public string Database { get; } = "core-" + Guid.NewGuid().ToString("N")[..12];
    public IServiceProvider Services => _services ?? throw new InvalidOperationException("Not initialized.");
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
    public CosmosStore Store => Get<CosmosStore>();
    public long RoundTrips => Get<RoundTripCounter>().Count;

    public virtual async Task InitializeAsync()
    {
        Time = new FakeTimeProvider(ClockStart);
        var stack = await LocalStack.InstanceAsync();
        _services = await StartAsync(TestSettings.For(stack, Database, Settings), Time, ConfigureServices);
    }

    /// <summary>The app's services on the given settings, with the storage initialized as the worker does at start.</summary>
    public static async Task<ServiceProvider> StartAsync(IReadOnlyDictionary<string, string?> settings, TimeProvider time,
        Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        // No IConfiguration service: the tools compose Core this way too, so Core must not need one.
        var services = new ServiceCollection().AddLogging();
        services.AddLiveChatCore(configuration);
        services.AddSingleton(time);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<StorageInitializer>().CreateAsync(default);
        return provider;
    }

    /// <summary>Cosmos round trips made by <paramref name="action"/> (tests of a class run one at a time).</summary>
    public async Task<(T Result, long RoundTrips)> CountAsync<T>(Func<Task<T>> action)
    {
        var before = RoundTrips;
        var result = await action();
        return (result, RoundTrips - before);
    }

    public virtual async Task DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
    }
}

public static class CoreAppTokens
{
    /// <summary>A dev agent token for a user, signed with the app's dev key and dated by its fake clock.</summary>
    public static string DevToken(this CoreApp app, string userId) =>
        Core.Identity.DevTokens.Mint(app.Get<Microsoft.Extensions.Options.IOptions<Core.Identity.IdentityOptions>>().Value, userId,
            app.Time.GetUtcNow(), TimeSpan.FromHours(1));
}
