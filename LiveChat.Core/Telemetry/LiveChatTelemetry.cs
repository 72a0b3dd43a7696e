using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LiveChat.Core.Telemetry;

/// <summary>
/// The meter and activity source "LiveChat" (docs/operations.md). Tags carry function names, status codes, problem
/// codes and end reasons only: never tokens, URLs with signatures or message bodies.
/// </summary>
public static class LiveChatTelemetry
{
    public const string Name = "LiveChat";
    public static readonly ActivitySource Source = new(Name);
    static readonly Meter Meter = new(Name);

    /// <summary>The function being run (set once per invocation), so store calls deep down can be counted per function.</summary>
    static readonly AsyncLocal<string?> CurrentFunction = new();

    public static string Function => CurrentFunction.Value ?? "none";
    public static void EnterFunction(string name) => CurrentFunction.Value = name;

    static readonly Counter<long> Requests = Meter.CreateCounter<long>("livechat.requests", description: "HTTP calls by function, status and problem code");
    static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("livechat.request.duration", "ms", "HTTP call duration by function");
    static readonly Counter<long> CosmosRoundTrips = Meter.CreateCounter<long>("livechat.cosmos.round_trips", description: "Cosmos requests by function");
    static readonly Counter<double> CosmosCharge = Meter.CreateCounter<double>("livechat.cosmos.request_charge", "RU", "Cosmos request units by function");
    static readonly Counter<long> Pushes = Meter.CreateCounter<long>("livechat.push", description: "SignalR REST calls by outcome");
    static readonly Histogram<double> PushDuration = Meter.CreateHistogram<double>("livechat.push.duration", "ms", "SignalR REST call duration");
    static readonly Counter<long> SweepRuns = Meter.CreateCounter<long>("livechat.sweep.runs", description: "Inactivity sweep runs");
    static readonly Histogram<double> SweepDuration = Meter.CreateHistogram<double>("livechat.sweep.duration", "ms", "Inactivity sweep run duration");
    static readonly Counter<long> SweepChecked = Meter.CreateCounter<long>("livechat.sweep.checked", description: "Active sessions the sweep judged");
    static readonly Counter<long> SweepEnded = Meter.CreateCounter<long>("livechat.sweep.ended", description: "Sessions the sweep ended, by reason");

    static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>("livechat.webhook.attempts", description: "Webhook delivery attempts by endpoint and outcome (delivered, retrying, failed)");
    static readonly Histogram<double> WebhookDuration = Meter.CreateHistogram<double>("livechat.webhook.duration", "ms", "Webhook attempt duration by endpoint");
    static readonly Histogram<long> WebhookRetryDepth = Meter.CreateHistogram<long>("livechat.webhook.attempt_number", description: "Which attempt of its delivery each attempt was, by endpoint");

    public static void WebhookAttempted(string endpointId, string outcome, int attempt, TimeSpan elapsed)
    {
        var endpoint = new KeyValuePair<string, object?>("endpoint", endpointId);
        WebhookAttempts.Add(1, endpoint, new KeyValuePair<string, object?>("outcome", outcome));
        WebhookDuration.Record(elapsed.TotalMilliseconds, endpoint);
        WebhookRetryDepth.Record(attempt, endpoint);
    }

    public static void RequestFinished(int status, string? problemCode, TimeSpan elapsed)
    {
        var tags = new TagList { { "function", Function }, { "status", status }, { "code", problemCode ?? "" } };
        Requests.Add(1, tags);
        RequestDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("function", Function));
        if (problemCode is not null) Activity.Current?.SetTag("livechat.problem.code", problemCode);
    }

    public static void CosmosRequest(double requestCharge)
    {
        var function = new KeyValuePair<string, object?>("function", Function);
        CosmosRoundTrips.Add(1, function);
        CosmosCharge.Add(requestCharge, function);
    }

    public static void PushFinished(string operation, bool sent, TimeSpan elapsed)
    {
        Pushes.Add(1, new TagList { { "operation", operation }, { "outcome", sent ? "sent" : "failed" } });
        PushDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation));
    }

    /// <summary>A queued push dropped unsent: its queue was full (SignalR slow or down for long).</summary>
    public static void PushDropped() => Pushes.Add(1, new TagList { { "operation", "queued" }, { "outcome", "dropped" } });

    public static void SweepFinished(int checkedCount, IReadOnlyDictionary<string, int> endedByReason, TimeSpan elapsed)
    {
        SweepRuns.Add(1);
        SweepDuration.Record(elapsed.TotalMilliseconds);
        SweepChecked.Add(checkedCount);
        foreach (var (reason, count) in endedByReason) SweepEnded.Add(count, new KeyValuePair<string, object?>("reason", reason));
    }
}
