using System.Data.Common;
using LiveChat.Core.Identity;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using LiveChat.Core.Limits;
using LiveChat.Core.Uploads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LiveChat.Core;

/// <summary>
/// The settings, bound and checked when the worker starts (ValidateOnStart): a missing or malformed one stops the
/// start with a message that names it, instead of failing the first request that needs it.
/// </summary>
static class SettingsValidation
{
    public static void AddCheckedSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection("Cosmos"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString) || IsAbsoluteUrl(o.Endpoint),
                "Set Cosmos:ConnectionString (Cosmos__ConnectionString) or Cosmos:Endpoint (an absolute URL).")
            .Validate(o => string.IsNullOrWhiteSpace(o.ConnectionString) || IsCosmosConnectionString(o.ConnectionString),
                "Cosmos:ConnectionString must be 'AccountEndpoint=<absolute URL>;AccountKey=<key>'.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Database), "Cosmos:Database must not be empty.")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero, "Cosmos:RequestTimeout must be positive.")
            .ValidateOnStart();

        services.AddOptions<UploadOptions>().Bind(configuration.GetSection("Blob"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString) || IsAbsoluteUrl(o.ServiceUri),
                "Set Blob:ConnectionString (Blob__ConnectionString) or Blob:ServiceUri (an absolute URL).")
            .Validate(o => string.IsNullOrWhiteSpace(o.ConnectionString) || IsBlobConnectionString(o.ConnectionString),
                "Blob:ConnectionString is malformed (UseDevelopmentStorage=true, or an account connection string).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Container), "Blob:Container must not be empty.")
            .Validate(o => o.UploadUrlLifetime > TimeSpan.Zero && o.UploadUrlLifetime <= TimeSpan.FromMinutes(15),
                "Blob:UploadUrlLifetime must be positive and at most 15 minutes.")
            .Validate(o => o.AttachWithin > o.UploadUrlLifetime, "Blob:AttachWithin must be longer than Blob:UploadUrlLifetime.")
            .Validate(o => o.ReadUrlLifetime > TimeSpan.Zero, "Blob:ReadUrlLifetime must be positive.")
            .Validate(o => o.MaxFileSize > 0, "Blob:MaxFileSize must be positive.")
            .ValidateOnStart();

        services.AddOptions<SignalROptions>().Bind(configuration.GetSection("SignalR"))
            .Validate(o => string.IsNullOrWhiteSpace(o.ConnectionString) || IsSignalRConnectionString(o.ConnectionString),
                "SignalR:ConnectionString must be 'Endpoint=<absolute URL>;AccessKey=<key>;Version=1.0;' (or empty to turn push off).")
            .Validate(o => o.PublishTimeout > TimeSpan.Zero && o.PublishAttempts > 0 && o.ClientTokenLifetime > TimeSpan.Zero
                           && o.CircuitBreakDuration > TimeSpan.Zero,
                "SignalR:PublishTimeout, PublishAttempts, ClientTokenLifetime and CircuitBreakDuration must be positive.")
            .ValidateOnStart();

        services.AddOptions<IdentityOptions>().Bind(configuration.GetSection("Identity"))
            .Validate(o => IsAbsoluteUrl(o.Authority) || o.DevSigningKey is { Length: >= 32 },
                "Set Identity:Authority (the OpenID Connect authority, an absolute URL) or, for local runs, Identity:DevSigningKey (32+ characters).")
            .Validate(o => IsAbsoluteUrl(o.Authority) || !string.IsNullOrWhiteSpace(o.Issuer), "Identity:Issuer is required with Identity:DevSigningKey.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Audience), "Identity:Audience must not be empty.")
            .Validate(o => o.BootstrapAdminsByUser() is not null, "Identity:BootstrapAdmins must be comma-separated tenantId:userId pairs.")
            .ValidateOnStart();

        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection("RateLimits"))
            .Validate(o => new[] { o.Posts, o.Uploads, o.Typing, o.Negotiate }.All(b => b.Burst > 0 && b.PerMinute > 0),
                "RateLimits (Posts, Uploads, Typing, Negotiate): Burst and PerMinute must be positive.")
            .ValidateOnStart();

        services.AddOptions<Webhooks.WebhookOptions>().Bind(configuration.GetSection("Webhooks"))
            .Validate(o => System.Text.RegularExpressions.Regex.IsMatch(o.Queue ?? "", "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$"),
                "Webhooks:Queue must be a Storage queue name (3-63 lower-case letters, digits and single hyphens).")
            .Validate(o => o.Retries.Count > 0 && o.Retries.All(t => t >= TimeSpan.Zero && t < TimeSpan.FromDays(7)),
                "Webhooks:RetrySchedule must be comma-separated waits (e.g. 00:00:05,00:05:00), each under 7 days.")
            .Validate(o => new[] { o.AttemptTimeout, o.DisableAfter, o.SecretGrace, o.ConfirmWithin, o.RelayAfter }.All(t => t > TimeSpan.Zero)
                           && o.EndpointsCacheFor >= TimeSpan.Zero && o.MaxEndpointsPerTenant > 0,
                "Webhooks durations (AttemptTimeout, DisableAfter, SecretGrace, ConfirmWithin, RelayAfter) and MaxEndpointsPerTenant must be positive.")
            .Validate(o => o.DeliveryRetention >= TimeSpan.FromSeconds(1) && o.DeliveryRetention.TotalSeconds <= int.MaxValue,
                "Webhooks:DeliveryRetention must be at least one second (Cosmos time to live counts whole seconds).")
            .Validate(_ => !string.IsNullOrWhiteSpace(configuration[Webhooks.WebhookQueue.Connection])
                           || IsAbsoluteUrl(configuration[$"{Webhooks.WebhookQueue.Connection}:queueServiceUri"]),
                "Set WebhookQueue (a Storage connection string) or WebhookQueue__queueServiceUri (an absolute URL, used with the app's identity).")
            .ValidateOnStart();

        services.AddOptions<LiveChatOptions>().Bind(configuration.GetSection("LiveChat"))
            .Validate(o => new[] { o.MaxMessageLength, o.DefaultListLimit, o.MaxListLimit, o.MaxMarkReadIds, o.MaxMachineSessions,
                    o.MaxAgentSessions, o.MaxHistorySessions, o.MaxHistoryMessages, o.MaxAttachmentsPerMessage, o.MaxConcurrentUpdateAttempts, o.SweepParallelism }.All(n => n > 0),
                "LiveChat limits (MaxMessageLength, DefaultListLimit, MaxListLimit, ...) must be positive.")
            .Validate(o => o.DefaultListLimit <= o.MaxListLimit, "LiveChat:DefaultListLimit must not exceed LiveChat:MaxListLimit.")
            .Validate(o => new[] { o.MachineOfflineAfter, o.ChatInactiveAfter, o.MachineTokenLifetime, o.SweepRepairWindow, o.RequestDeadline }
                    .All(t => t > TimeSpan.Zero),
                "LiveChat durations (MachineOfflineAfter, ChatInactiveAfter, MachineTokenLifetime, SweepRepairWindow, RequestDeadline) must be positive.")
            .Validate(o => o.MachineTokenCacheFor >= TimeSpan.Zero && o.MachineTokenCacheFor <= TimeSpan.FromSeconds(30),
                "LiveChat:MachineTokenCacheFor must be between 0 and 30 seconds.")
            .Validate(o => o.AgentUserCacheFor >= TimeSpan.Zero && o.AgentUserCacheFor <= TimeSpan.FromSeconds(30),
                "LiveChat:AgentUserCacheFor must be between 0 and 30 seconds.")
            .Validate(o => o.SweepTimeBudget >= TimeSpan.Zero, "LiveChat:SweepTimeBudget must not be negative.")
            .Validate(o => o.EditWindow > TimeSpan.Zero, "LiveChat:EditWindow must be positive.")
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _),
                "LiveChat:TimeZone must be a known time zone id (e.g. America/Sao_Paulo).")
            .ValidateOnStart();
    }

    static bool IsAbsoluteUrl(string? value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    static DbConnectionStringBuilder? Parse(string value)
    {
        try { return new DbConnectionStringBuilder { ConnectionString = value }; }
        catch (ArgumentException) { return null; }
    }

    static bool IsCosmosConnectionString(string value) =>
        Parse(value) is { } parts && parts.TryGetValue("AccountEndpoint", out var endpoint) && IsAbsoluteUrl(endpoint as string)
        && parts.TryGetValue("AccountKey", out var key) && key is string { Length: > 0 };

    static bool IsBlobConnectionString(string value) =>
        Parse(value) is { } parts && (parts.ContainsKey("UseDevelopmentStorage")
            || (parts.ContainsKey("AccountName") && parts.ContainsKey("AccountKey")) || parts.ContainsKey("BlobEndpoint"));

    static bool IsSignalRConnectionString(string value)
    {
        try
        {
            SignalRConnection.Parse(value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
