using LiveChat.Core;
using System.Diagnostics;
using System.Text;
using LiveChat.Core.Chat;
using LiveChat.Core.Errors;
using LiveChat.Core.Machines;
using LiveChat.Core.Telemetry;
using LiveChat.Core.Storage;
using LiveChat.Core.Uploads;
using LiveChat.Core.Webhooks;
using LiveChat.Functions;
using LiveChat.Functions.Http;
using LiveChat.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LiveChat.Tests.Operations;

static class AzureActivities
{
    /// <summary>
    /// Azure.Core reads this switch once per process, when its first client traces: the worker sets it before any
    /// client exists (AddLiveChatTelemetry), and so must this test process, whichever test creates a client first.
    /// </summary>
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Enable() => AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
}

/// <summary>The worker's telemetry registration, with in-memory exporters in place of Azure Monitor or OTLP.</summary>
public sealed class TelemetryApp : CoreApp
{
    public List<Activity> Spans { get; } = [];
    public List<Metric> Metrics { get; } = [];
    public List<LogRecord> Logs { get; } = [];

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddLiveChatTelemetry(new ConfigurationBuilder().Build());
        services.AddSingleton<Api>(); // the HTTP layer's pipeline, which records the request metrics
        services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(Spans));
        services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(Metrics));
        services.ConfigureOpenTelemetryLoggerProvider(l => l.AddInMemoryExporter(Logs));
    }

    /// <summary>The providers start when first resolved (a host would start them); flushing exports what they hold.</summary>
    public void Start()
    {
        Get<TracerProvider>();
        Get<MeterProvider>();
        Get<ILoggerFactory>();
    }

    public void Flush()
    {
        Get<TracerProvider>().ForceFlush();
        Get<MeterProvider>().ForceFlush();
        Get<LoggerProvider>().ForceFlush();
    }
}

/// <summary>Alone: its exporters hear every Azure SDK and HttpClient call of the test process.</summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryCollection;

[Collection(nameof(TelemetryTests))]
public sealed class TelemetryTests(TelemetryApp app) : IClassFixture<TelemetryApp>
{
    static int? StatusCode(Activity span) =>
        new[] { "db.response.status_code", "db.cosmosdb.status_code", "http.response.status_code" }.Select(span.GetTagItem).OfType<object>()
            .Select(v => int.TryParse(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture), out var c) ? c : (int?)null).FirstOrDefault();

    /// <summary>
    /// A start (create-if-missing over what exists), a missing item, a create that finds its item, a lost ETag race:
    /// answers the code asks for, exported without an error status. A real failure keeps it.
    /// </summary>
    [Fact]
    public async Task Expected_store_answers_are_not_exported_as_errors_and_real_failures_still_are()
    {
        app.Start();
        var chat = await app.ChatAsync();
        app.Flush();
        app.Spans.Clear();

        await app.Get<StorageInitializer>().CreateAsync(default);
        Assert.Null(await app.Store.Users.ReadOrNullAsync<Core.Identity.UserDocument>("nobody-" + Guid.NewGuid(), "x", default));
        var user = await app.Store.Users.ReadOrNullAsync<Core.Identity.UserDocument>(chat.Agent.UserId, chat.Agent.UserId, default);
        Assert.False(await app.Store.Users.TryCreateAsync(user!, user!.Id, default));
        Assert.False(await app.Store.Users.TryReplaceIfUnchangedAsync(user, user.Id, user.Id, "\"stale\"", default));
        await Assert.ThrowsAsync<Microsoft.Azure.Cosmos.CosmosException>(() => app.Store.Users.QueryAsync<string>(
            new Microsoft.Azure.Cosmos.QueryDefinition("SELECT VALUE FROM WHERE"), Core.Storage.ContainerExtensions.AllPartitions, default));
        app.Flush();

        var answered = app.Spans.Where(s => StatusCode(s) is 304 or 404 or 409 or 412).ToList();
        Assert.Contains(answered, s => StatusCode(s) == 404);
        Assert.Contains(answered, s => StatusCode(s) == 409);
        Assert.Contains(answered, s => StatusCode(s) == 412);
        Assert.All(answered, s => Assert.True(s.Status != ActivityStatusCode.Error, $"{s.DisplayName} {StatusCode(s)} exported as an error"));
        Assert.Contains(app.Spans, s => StatusCode(s) == 400 && s.Status == ActivityStatusCode.Error);
    }

    [Fact]
    public async Task A_call_is_one_trace_with_its_store_and_push_spans_and_metrics_per_function_and_no_secret_anywhere()
    {
        app.Start();
        const string secretBody = "minha senha é hunter2-segredo";
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();

        using (var call = LiveChatTelemetry.Source.StartActivity("PostMachineMessage"))
        {
            LiveChatTelemetry.EnterFunction("PostMachineMessage");
            var machine = await app.Get<MachineAuthenticator>().AuthenticateAsync("Bearer " + chat.MachineToken, default);
            await app.Get<MessagePosting>().PostAsync(ChatParticipant.Of(machine), chat.TicketId, new PostMessageRequest(secretBody, null, null), default);
            var upload = await app.Get<Core.Uploads.Uploads>().CreateAsync(AttachmentOwner.Machine(machine), new UploadRequest("a.png", "image/png", 10), default);
            Assert.Contains("sig=", upload.UploadUrl);

            var http = new DefaultHttpContext { RequestServices = app.Services };
            var refused = await app.Get<Api>().Run(http.Request, _ => throw ErrorCatalog.SessionNotActive.Raise());
            Assert.Equal(409, ((ApiResult)refused).Status);
            Assert.Equal("session_not_active", call!.GetTagItem("livechat.problem.code"));

            var traceId = call.TraceId;
            app.Flush();
            var children = app.Spans.ToArray().Where(s => s.TraceId == traceId && s != call).Select(s => $"{s.Source.Name}: {s.DisplayName}").ToList();
            Assert.Contains(children, s => s.StartsWith("Azure.Cosmos.Operation: create_item messages", StringComparison.Ordinal));
            Assert.Contains(children, s => s.StartsWith("Azure.Cosmos.Operation: patch_item sessions", StringComparison.Ordinal));
            Assert.Contains(children, s => s.StartsWith("System.Net.Http: POST", StringComparison.Ordinal)); // SignalR REST
        }
        app.Flush();

        Assert.Contains(Points("livechat.cosmos.round_trips"), p => Tag(p, "function") == "PostMachineMessage" && p.GetSumLong() > 0);
        Assert.Contains(Points("livechat.cosmos.request_charge"), p => Tag(p, "function") == "PostMachineMessage");
        Assert.Contains(Points("livechat.requests"), p => Tag(p, "code") == "session_not_active" && Tag(p, "status") == "409");
        Assert.Contains(Points("livechat.push"), p => Tag(p, "operation") == "send");

        var everything = Everything();
        Assert.True(app.Spans.ToArray().Length > 10 && app.Metrics.ToArray().Length > 5, "the exporters received the telemetry searched below");
        Assert.DoesNotContain(secretBody, everything);
        Assert.DoesNotContain(chat.MachineToken, everything);
        Assert.DoesNotContain("sig=", everything);
    }

    [Fact]
    public async Task A_webhook_delivery_continues_the_trace_of_the_chat_call_that_caused_it_and_is_counted_per_endpoint()
    {
        app.Start();
        const string secretBody = "senha do cofre: 4321-segredo";
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var endpoint = await app.Get<WebhookEndpoints>().CreateAsync(chat.Admin, new CreateWebhookRequest(receiver.Url, ["message.created"], null, null), default);
        await receiver.StartAsync(endpoint.Secret);
        await chat.StartSessionAsync();

        ActivityTraceId traceId;
        string messageId;
        using (var call = LiveChatTelemetry.Source.StartActivity("PostMachineMessage"))
        {
            traceId = call!.TraceId;
            messageId = (await app.Get<MessagePosting>().PostAsync(ChatParticipant.Of(chat.Machine), chat.TicketId, new PostMessageRequest(secretBody, null, null), default)).MessageId;
        }
        // What the queue trigger does with the two messages of this event: hand it to the endpoints, then deliver it.
        var message = await app.Store.Messages.ReadOrNullAsync<MessageDocument>(messageId, chat.TicketId, default);
        var eventId = ChatWebhookEvents.MessageCreated(message!).Id;
        var dispatcher = app.Get<WebhookDispatcher>();
        await dispatcher.HandleAsync(new WebhookWork(EventId: eventId), default);
        await dispatcher.HandleAsync(new WebhookWork(EventId: eventId, EndpointId: endpoint.Endpoint.Id), default);
        Assert.Single(await receiver.AcceptedAsync());
        app.Flush();

        var delivery = Assert.Single(app.Spans.ToArray(), s => s.DisplayName == "webhook delivery");
        Assert.Equal(traceId, delivery.TraceId);
        Assert.Equal(endpoint.Endpoint.Id, delivery.GetTagItem("livechat.webhook.endpoint"));
        Assert.Contains(app.Spans.ToArray(), s => s.TraceId == traceId && s.ParentSpanId == delivery.SpanId && s.Source.Name == "System.Net.Http");
        Assert.Contains(Points("livechat.webhook.attempts"), p => Tag(p, "endpoint") == endpoint.Endpoint.Id && Tag(p, "outcome") == "delivered");
        Assert.Contains(Points("livechat.webhook.attempt_number"), p => Tag(p, "endpoint") == endpoint.Endpoint.Id);
        var everything = Everything();
        Assert.DoesNotContain(secretBody, everything);
        Assert.DoesNotContain(endpoint.Secret, everything);
    }

    IEnumerable<MetricPoint> Points(string name)
    {
        foreach (var metric in app.Metrics.ToArray().Where(m => m.Name == name))
            foreach (ref readonly var point in metric.GetMetricPoints())
                yield return point;
    }

    static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
            if (tag.Key == key) return tag.Value?.ToString();
        return null;
    }

    /// <summary>Every name, tag, event, attribute and log text exported, as one text to search.</summary>
    string Everything()
    {
        var text = new StringBuilder();
        foreach (var span in app.Spans.ToArray())
        {
            text.AppendLine(span.DisplayName).AppendLine(span.StatusDescription);
            foreach (var tag in span.TagObjects) text.AppendLine($"{tag.Key}={tag.Value}");
            foreach (var e in span.Events)
                foreach (var tag in e.Tags) text.AppendLine($"{e.Name} {tag.Key}={tag.Value}");
        }
        foreach (var metric in app.Metrics.ToArray())
        {
            text.AppendLine(metric.Name);
            foreach (var point in Points(metric.Name))
                foreach (var tag in point.Tags) text.AppendLine($"{tag.Key}={tag.Value}");
        }
        foreach (var log in app.Logs.ToArray())
        {
            text.AppendLine(log.FormattedMessage).AppendLine(log.Body).AppendLine(log.Exception?.ToString());
            foreach (var attribute in log.Attributes ?? []) text.AppendLine($"{attribute.Key}={attribute.Value}");
        }
        return text.ToString();
    }
}
