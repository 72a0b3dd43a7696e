using Azure.Core;
using Azure.Identity;
using LiveChat.Core;
using LiveChat.Core.Chat;
using LiveChat.Core.Identity;
using LiveChat.Core.Limits;
using LiveChat.Core.Machines;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using LiveChat.Core.Sweep;
using LiveChat.Core.Tickets;
using LiveChat.Core.Uploads;
using LiveChat.Functions.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace LiveChat.Functions;

public static class LiveChatRegistration
{
    /// <summary>Everything LiveChat needs: the worker's Program.cs calls it, and so do tools and tests that run Core in process.</summary>
    public static IServiceCollection AddLiveChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedSettings(configuration);

        services.TryAddSingleton(TimeProvider.System);
        // The app's own identity (managed identity in Azure), used where no key is configured.
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddSingleton<RoundTripCounter>();
        services.AddSingleton<CosmosStore>();
        services.AddSingleton<BlobStore>();
        services.AddSingleton<AgentAuthenticator>();
        services.AddSingleton<MachineAuthenticator>();
        services.AddSingleton<Presence>();
        services.AddSingleton<ChatAccess>();
        services.AddSingleton<Timeline>();
        services.AddSingleton<ChatSessions>();
        services.AddSingleton<UnreadCounter>();
        services.AddSingleton<MachineInbox>();
        services.AddSingleton<MessageClock>();
        services.AddSingleton<ChatMessages>();
        services.AddSingleton<TypingSignals>();
        services.AddSingleton<Transcripts>();
        services.AddSingleton<MessageChanges>();
        services.AddSingleton<MessageAttachments>();
        services.AddSingleton<Uploads>();
        services.AddSingleton<OrphanUploads>();
        services.AddSingleton<InactivitySweep>();
        services.AddSingleton<TenantUsers>();
        services.AddSingleton<MachineRegistry>();
        services.AddSingleton<TicketLinks>();
        services.AddSingleton<Api>();
        services.AddSingleton<CallerLimits>();
        services.AddSingleton<Functions.AgentConsoleFiles>();
        // One long-lived client; pooled connections are recycled so DNS changes of the service are picked up.
        // Retries on 429/5xx/network errors, a circuit breaker so a failing SignalR stops costing writes any wait,
        // and a timeout per attempt so a stalled SignalR counts as failing.
        services.AddHttpClient(nameof(RealtimePublisher))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .AddResilienceHandler("signalr", (pipeline, context) =>
            {
                var signalR = context.ServiceProvider.GetRequiredService<IOptions<SignalROptions>>().Value;
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(0, signalR.PublishAttempts - 1), Delay = TimeSpan.FromMilliseconds(100),
                    BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5, MinimumThroughput = 4, SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = signalR.CircuitBreakDuration,
                });
                pipeline.AddTimeout(signalR.PublishTimeout / Math.Max(1, signalR.PublishAttempts));
            });
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RealtimePublisher>(sp,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(RealtimePublisher))));
        services.AddSingleton<PushQueue>();
        services.AddSingleton<ChatEvents>();
        services.AddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        return services;
    }
}

/// <summary>
/// Creates the Cosmos database, containers and the uploads container when missing, in the background and until it
/// succeeds: a store that is down at start must not stop the worker, which answers 503 meanwhile. A store found to
/// have lost them later (restarted empty, deleted) is rebuilt the same way, once at a time (Cosmos:CreateIfMissing).
/// </summary>
public sealed class StorageInitializer(CosmosStore store, BlobStore blobs, ILogger<StorageInitializer> log) : BackgroundService
{
    int _rebuilding;
    CancellationToken _stopping;

    public async Task CreateAsync(CancellationToken ct)
    {
        await store.EnsureCreatedAsync(ct);
        await blobs.EnsureCreatedAsync(ct);
    }

    /// <summary>The store answered that a database or container does not exist: create what is missing, in the background.</summary>
    public void StoreLost()
    {
        if (Interlocked.CompareExchange(ref _rebuilding, 1, 0) != 0) return;
        log.LogWarning("The store has lost its database or containers; creating them again");
        _ = Task.Run(async () =>
        {
            try { await CreateUntilDoneAsync(_stopping); }
            finally { Volatile.Write(ref _rebuilding, 0); }
        });
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        return CreateUntilDoneAsync(stoppingToken);
    }

    async Task CreateUntilDoneAsync(CancellationToken stoppingToken)
    {
        for (var wait = TimeSpan.FromSeconds(1); !stoppingToken.IsCancellationRequested; wait = TimeSpan.FromSeconds(Math.Min(30, wait.TotalSeconds * 2)))
        {
            try
            {
                await CreateAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (StoreFailures.IsTransient(e) || e is OperationCanceledException && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("Creating the store's containers failed ({Error}); retrying in {Wait}", e.GetType().Name, wait);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try { await Task.Delay(wait, stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }
}
