using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Webhooks;

/// <summary>What the webhook queue carries: an event to hand to the tenant's endpoints, or one delivery to attempt.</summary>
public sealed record WebhookWork(string? EventId = null, string? EndpointId = null);

/// <summary>
/// The Storage queue the queue-triggered function reads. Connection: the app setting "WebhookQueue" (a connection
/// string) or "WebhookQueue__queueServiceUri" (the app's identity), as the Functions host reads the trigger's connection.
/// Messages are base64, the host's default encoding.
/// </summary>
public sealed class WebhookQueue
{
    public const string Connection = "WebhookQueue";
    readonly QueueClient _queue;

    public WebhookQueue(IConfiguration configuration, IOptions<WebhookOptions> options, TokenCredential identity)
    {
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        // A stalled queue service fails a send in seconds (the relay timer sends again), not after the SDK's 100 s.
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        clientOptions.Retry.MaxRetries = 2;
        var name = options.Value.Queue;
        _queue = configuration[Connection] is { Length: > 0 } connectionString
            ? new QueueClient(connectionString, name, clientOptions)
            : configuration[$"{Connection}:queueServiceUri"] is { Length: > 0 } uri
                ? new QueueServiceClient(new Uri(uri), identity, clientOptions).GetQueueClient(name)
                : throw new InvalidOperationException($"Set {Connection} (a Storage connection string) or {Connection}__queueServiceUri.");
    }

    public string Name => _queue.Name;

    public Task EnsureCreatedAsync(CancellationToken ct) => _queue.CreateIfNotExistsAsync(cancellationToken: ct);

    /// <summary>Visible after <paramref name="delay"/> (at most 7 days, the service's limit); never expires.</summary>
    public async Task SendAsync(WebhookWork work, TimeSpan delay, CancellationToken ct)
    {
        var text = JsonSerializer.Serialize(work, Storage.CosmosStore.Json);
        TimeSpan? visibleAfter = delay > TimeSpan.Zero
            ? TimeSpan.FromSeconds(Math.Min(Math.Ceiling(delay.TotalSeconds), TimeSpan.FromDays(7).TotalSeconds - 1)) : null;
        try { await _queue.SendMessageAsync(text, visibleAfter, TimeSpan.FromSeconds(-1), ct); }
        catch (RequestFailedException e) when (e.ErrorCode == QueueErrorCode.QueueNotFound)
        {
            // The queue was deleted (or the storage emulator restarted empty) after start: create it again.
            await EnsureCreatedAsync(ct);
            await _queue.SendMessageAsync(text, visibleAfter, TimeSpan.FromSeconds(-1), ct);
        }
    }

    public static WebhookWork? Parse(string message)
    {
        try { return JsonSerializer.Deserialize<WebhookWork>(message, Storage.CosmosStore.Json); }
        catch (JsonException) { return null; }
    }
}
