namespace LiveChat.Core.Webhooks;

/// <summary>
/// Section "Webhooks". The queue itself is reached through the app setting "WebhookQueue" (a connection string, or
/// WebhookQueue__queueServiceUri with the app's identity), the same setting the queue trigger reads.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>The Storage queue the deliveries go through (the trigger reads it as %Webhooks:Queue%).</summary>
    public string Queue { get; set; } = "webhooks";
    /// <summary>The waits before each retry, comma-separated; after the last one fails, the delivery has failed.</summary>
    public string RetrySchedule { get; set; } = "00:00:05,00:05:00,00:30:00,02:00:00,05:00:00,10:00:00,10:00:00";
    /// <summary>One attempt's limit: connecting, sending and reading the status.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>An endpoint whose deliveries have failed for this long, with no success between, is disabled.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(3);
    /// <summary>How long a rotated-out secret keeps signing next to the new one.</summary>
    public TimeSpan SecretGrace { get; set; } = TimeSpan.FromHours(24);
    /// <summary>How long an instance trusts its list of a tenant's endpoints: a new endpoint hears events from at most this much later.</summary>
    public TimeSpan EndpointsCacheFor { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>An event whose change is still not in the store this long after it was recorded never happened (the write failed).</summary>
    public TimeSpan ConfirmWithin { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Recorded events not handed to the queue after this long (the instance died) are handed by the relay timer.</summary>
    public TimeSpan RelayAfter { get; set; } = TimeSpan.FromSeconds(30);
    public int MaxEndpointsPerTenant { get; set; } = 10;
    /// <summary>How long a delivery that succeeded or failed for good is kept after its last attempt (it holds the body).</summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(30);
    /// <summary>Local runs only: http:// and loopback addresses (127.0.0.1, ::1, localhost) are allowed as endpoints.</summary>
    public bool AllowLoopback { get; set; }

    public IReadOnlyList<TimeSpan> Retries => RetrySchedule
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(s => TimeSpan.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : TimeSpan.MinValue)
        .ToList();
}
