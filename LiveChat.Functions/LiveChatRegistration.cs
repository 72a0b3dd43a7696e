using Azure.Core;
using Azure.Identity;
using LiveChat.Core;
using LiveChat.Core.Chat;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using LiveChat.Core.Sweep;
using LiveChat.Core.Uploads;
using LiveChat.Functions.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace LiveChat.Functions;

public static class LiveChatRegistration
{
    /// <summary>Everything LiveChat needs: the worker's Program.cs calls it, and so do tools and tests that run Core in process.</summary>
    public static IServiceCollection AddLiveChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<LiveChatOptions>(configuration.GetSection("LiveChat"));
        services.Configure<StoreOptions>(configuration.GetSection("Cosmos"));
        services.Configure<UploadOptions>(configuration.GetSection("Blob"));
        services.Configure<IdentityOptions>(configuration.GetSection("Identity"));
        services.Configure<SignalROptions>(configuration.GetSection("SignalR"));

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
        services.AddSingleton<ChatMessages>();
        services.AddSingleton<MessageAttachments>();
        services.AddSingleton<Uploads>();
        services.AddSingleton<InactivitySweep>();
        services.AddSingleton<Core.Provisioning.Provisioning>();
        services.AddSingleton<Api>();
        // One long-lived client; pooled connections are recycled so DNS changes of the service are picked up.
        services.AddHttpClient(nameof(RealtimePublisher))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RealtimePublisher>(sp,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(RealtimePublisher))));
        services.AddSingleton<ChatEvents>();
        services.AddHostedService<StorageInitializer>();
        return services;
    }
}

/// <summary>Creates the Cosmos database, containers and the uploads container at startup when missing.</summary>
sealed class StorageInitializer(CosmosStore store, BlobStore blobs) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await store.EnsureCreatedAsync(ct);
        await blobs.EnsureCreatedAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
