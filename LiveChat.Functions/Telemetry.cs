using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using LiveChat.Core.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LiveChat.Functions;

public static class TelemetryRegistration
{
    /// <summary>
    /// OpenTelemetry for the worker: one trace per invocation with a span for every Cosmos, Blob and SignalR call, the
    /// "LiveChat" meter, and logs; exported to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set and
    /// over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is (./run.sh: the local dashboard).
    /// </summary>
    public static IServiceCollection AddLiveChatTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        // The Azure SDKs emit spans only when asked to, and Azure.Core reads this once per process: it must be set
        // before any Azure client is used (here: at registration, before the host builds anything).
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing
                .AddSource(LiveChatTelemetry.Name, "Azure.*")
                // First, so that every exporter sees the corrected status.
                .AddProcessor(new ExpectedAnswersAreNotErrors())
                // Query strings are redacted by the instrumentation; the SignalR REST URLs carry no secret anyway.
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(LiveChatTelemetry.Name))
            .WithLogging();
        if (!string.IsNullOrWhiteSpace(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            var identity = AzureMonitorIdentity(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
            telemetry.UseAzureMonitorExporter(o => o.Credential = identity);
        }
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) telemetry.UseOtlpExporter();
        return services;
    }

    /// <summary>
    /// Application Insights with local auth off takes only Entra tokens: "Authorization=AAD" is the app's system-assigned
    /// identity, "Authorization=AAD;ClientId=…" a user-assigned one (the Functions host reads the same setting).
    /// </summary>
    public static TokenCredential? AzureMonitorIdentity(string? authenticationString)
    {
        var parts = (authenticationString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var kind) || !kind.Equals("AAD", StringComparison.OrdinalIgnoreCase)) return null;
        return new ManagedIdentityCredential(parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? ManagedIdentityId.FromUserAssignedClientId(clientId) : ManagedIdentityId.SystemAssigned);
    }
}

/// <summary>
/// Cosmos DB and Blob Storage answer 404, 409, 412 and 304 where the code asks a question and handles the answer: an
/// existence check, create-if-missing, an ETag race lost and retried, a conditional read. Exported as failed
/// dependencies they would make every start, scale-out and race look like an outage (and fire any alert on failed
/// dependencies), so those spans are not marked as errors; their status code stays on them. Every other failure keeps
/// its error status, and one the code does not handle fails its invocation's span as well.
/// </summary>
public sealed class ExpectedAnswersAreNotErrors : BaseProcessor<Activity>
{
    static readonly string[] StatusCodeTags = ["db.response.status_code", "db.cosmosdb.status_code", "http.response.status_code", "http.status_code"];

    public override void OnEnd(Activity span)
    {
        if (span.Status != ActivityStatusCode.Error || !IsExpectedAnswer(span)) return;
        span.SetStatus(ActivityStatusCode.Unset);
        span.SetTag("error.type", null);
        span.SetTag("otel.status_code", null);
        span.SetTag("otel.status_description", null);
    }

    static bool IsExpectedAnswer(Activity span) => StatusCodeTags.Any(tag =>
        span.GetTagItem(tag) is { } value && int.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), out var code)
        && code is 304 or 404 or 409 or 412);
}
