using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LiveChat.FunctionsHost;

/// <summary>The gRPC address the worker dials: an HTTP/2-only loopback listener of its own, apart from the public port.</summary>
public sealed record GrpcEndpoint(Uri Uri);

/// <summary>
/// The Functions host's part for this app, stood in at its protocol boundary: runs the real worker process and
/// serves its functions over HTTP (and its timers and queues), as `func start` would.
/// </summary>
public static class FunctionsHostApp
{
    /// <summary>
    /// Command line / configuration: --ScriptRoot (the worker's build output), --SettingsFile (local.settings.json),
    /// --SettingsSample (copied to SettingsFile when missing), --Port (else Host.LocalHttpPort, else 7071),
    /// --Values:Name=value (app settings over the file's).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Worker.Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Grpc", LogLevel.Warning);
        configure?.Invoke(builder);
        var config = builder.Configuration;
        var settings = HostSettings.Load(
            config["ScriptRoot"] ?? throw new InvalidOperationException("--ScriptRoot (the built Function App) is required."),
            config["SettingsFile"] ?? throw new InvalidOperationException("--SettingsFile (local.settings.json) is required."),
            config["SettingsSample"],
            config.GetSection("Values").GetChildren().ToDictionary(c => c.Key, c => c.Value),
            config.GetValue<int?>("Port"));

        var grpc = new GrpcEndpoint(new Uri($"http://127.0.0.1:{FreePort()}/"));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, settings.HttpPort);
            kestrel.Listen(IPAddress.Loopback, grpc.Uri.Port, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = null; // the worker enforces its own limits, as behind the real host
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = null);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(grpc);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WorkerLogSink>();
        builder.Services.AddSingleton<WorkerChannel>();
        builder.Services.AddSingleton<HttpForwarder>();
        builder.Services.AddSingleton<WorkerProcess>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkerProcess>());
        builder.Services.AddSingleton<TimerTriggers>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerTriggers>());
        builder.Services.AddHostedService<QueueTriggers>();
        // The platform CORS setting (local.settings.json Host.CORS, as `func start` reads it).
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (settings.CorsOrigins.Contains("*")) policy.AllowAnyOrigin(); else policy.WithOrigins(settings.CorsOrigins);
            policy.AllowAnyHeader().AllowAnyMethod();
            if (settings.CorsCredentials) policy.AllowCredentials();
        }));

        var app = builder.Build();
        app.MapGrpcService<WorkerChannel>().RequireHost($"*:{grpc.Uri.Port}");
        var publicPort = $"*:{settings.HttpPort}";
        app.UseCors();

        // As the host's admin API: run a non-HTTP function now; 202, or 404 if there is none. Loopback callers only.
        app.MapPost("/admin/functions/{name}", async (string name, HttpContext context, TimerTriggers timers) =>
        {
            if (context.Connection.RemoteIpAddress is not { } caller || !IPAddress.IsLoopback(caller)) return Results.StatusCode(StatusCodes.Status401Unauthorized);
            return await timers.RunNowAsync(name, context.RequestAborted) ? Results.StatusCode(StatusCodes.Status202Accepted) : Results.NotFound();
        }).RequireHost(publicPort);

        app.Map("/{**path}", (HttpContext context, HttpForwarder forwarder) => forwarder.ForwardAsync(context)).RequireHost(publicPort);
        return app;
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
