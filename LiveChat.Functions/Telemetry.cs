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

/// <summary>Names the function for the metrics of everything the invocation does (store calls, pushes, the request).</summary>
public sealed class FunctionNameMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        LiveChatTelemetry.EnterFunction(context.FunctionDefinition.Name);
        return next(context);
    }
}
