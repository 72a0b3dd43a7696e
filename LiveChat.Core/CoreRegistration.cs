using Azure.Core;
using Azure.Identity;
using LiveChat.Core.Chat;
using LiveChat.Core.Identity;
using LiveChat.Core.Limits;
using LiveChat.Core.Machines;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using LiveChat.Core.Sweep;
using LiveChat.Core.Tickets;
using LiveChat.Core.Uploads;
using LiveChat.Core.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace LiveChat.Core;

public static class CoreRegistration
{
    /// <summary>
    /// LiveChat.Core composed: its settings (checked at start), stores, use cases and push. The Function App adds its
    /// HTTP layer on top (AddLiveChat); tools and tests that run Core in process call this alone.
    /// </summary>
    public static IServiceCollection AddLiveChatCore(this IServiceCollection services, IConfiguration configuration)
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
        services.AddSingleton<TenantTickets>();
        services.AddSingleton<ChatAccess>();
        services.AddSingleton<ChatFollowUps>();
        services.AddSingleton<IMachineRevocationFollowUp>(sp => sp.GetRequiredService<ChatFollowUps>());
        services.AddSingleton<ITicketRelinkFollowUp>(sp => sp.GetRequiredService<ChatFollowUps>());
        services.AddSingleton<Timeline>();
        services.AddSingleton<ChatSessions>();
        services.AddSingleton<UnreadCounter>();
        services.AddSingleton<MachineInbox>();
        services.AddSingleton<MessageClock>();
        services.AddSingleton<MessagePosting>();
        services.AddSingleton<MessagePages>();
        services.AddSingleton<ReadReceipts>();
        services.AddSingleton<TicketHistory>();
        services.AddSingleton<TypingSignals>();
        services.AddSingleton<Transcripts>();
        services.AddSingleton<MessageChanges>();
        services.AddSingleton<MessageAttachments>();
        services.AddSingleton<Uploads.Uploads>();
        services.AddSingleton<OrphanUploads>();
        services.AddSingleton<InactivitySweep>();
        services.AddSingleton<TenantUsers>();
        services.AddSingleton<MachineRegistry>();
        services.AddSingleton<TicketLinks>();
        services.AddSingleton<CallerLimits>();
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
        services.AddSingleton<WebhookEndpoints>();
        // Its connection is an app setting read as the Functions host reads the trigger's, not an option section.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<WebhookQueue>(sp, configuration));
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<IWebhookEventSource, ChatWebhookEvents>();
        services.AddSingleton<WebhookDeliveries>();
        // Retries are the dispatcher's (its schedule, through the queue); the handler refuses private addresses.
        services.AddHttpClient(WebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var webhooks = sp.GetRequiredService<IOptions<WebhookOptions>>().Value;
                return WebhookSender.Handler(webhooks.AllowLoopback, webhooks.AttemptTimeout);
            });
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<WebhookSender>(sp,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookSender.HttpClientName)));
        services.AddSingleton<ChatEvents>();
        services.AddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        return services;
    }
}
