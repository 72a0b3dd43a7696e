using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Queues;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Hosting;

/// <summary>
/// The host stand-in's queue trigger, as the Functions host's: the published binding, polling that picks a message
/// up within maxPollingInterval of an idle queue, settings from host.json (overridden by AzureFunctionsJobHost__ app
/// settings), and a message that keeps failing moved to "&lt;queue&gt;-poison" after maxDequeueCount.
/// </summary>
public sealed class QueueTriggerTests
{
    static readonly JsonElement Metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(LiveChatApp.WorkerBuild, "functions.metadata"))).RootElement;

    [Fact]
    public void The_webhook_function_is_published_with_its_queue_and_connection_settings()
    {
        var trigger = Metadata.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "DeliverWebhooks")
            .GetProperty("bindings").EnumerateArray().Single();
        Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%Webhooks:Queue%", trigger.GetProperty("queueName").GetString());
        Assert.Equal("WebhookQueue", trigger.GetProperty("connection").GetString());
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(LiveChatApp.WorkerBuild, "host.json")));
        var queues = hostJson.RootElement.GetProperty("extensions").GetProperty("queues");
        Assert.Equal(5, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("00:00:02", queues.GetProperty("maxPollingInterval").GetString());
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_moved_to_the_poison_queue_after_maxDequeueCount()
    {
        // The worker's store is a port nobody listens on: every invocation of the webhook function fails.
        var stack = await LocalStack.InstanceAsync();
        var queueName = "poison-test-" + Guid.NewGuid().ToString("N")[..8];
        var settings = TestSettings.For(stack, "queue-" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string?>
        {
            ["Cosmos:ConnectionString"] = LocalStack.CosmosConnectionStringFor(LocalStack.FreePort()),
            ["Cosmos:RequestTimeout"] = "00:00:01",
            ["Webhooks:Queue"] = queueName,
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "3",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500",
            ["AzureWebJobs.AutoEndInactiveSessions.Disabled"] = "true",
            ["AzureWebJobs.RelayWebhookEvents.Disabled"] = "true",
        });
        var (host, _, logs) = await LiveChatApp.StartHostAsync(settings);
        try
        {
            var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            var queue = new QueueClient(stack.QueueConnectionString, queueName, options);
            var poison = new QueueClient(stack.QueueConnectionString, queueName + "-poison", options);
            await queue.CreateIfNotExistsAsync();
            await queue.SendMessageAsync("""{"eventId":"evt_never"}""");

            Assert.True(await Poll.UntilAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length == 1, 60_000),
                $"nothing reached {poison.Name}\n{string.Join('\n', logs.TakeLast(20))}");
            var moved = Assert.Single((await poison.PeekMessagesAsync()).Value);
            Assert.Equal("""{"eventId":"evt_never"}""", moved.Body.ToString());
            Assert.Empty((await queue.PeekMessagesAsync()).Value);
            Assert.Contains(logs, l => l.Contains("failed 3 times"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task An_idle_listener_takes_a_new_message_within_its_maximum_polling_interval()
    {
        var stack = await LocalStack.InstanceAsync();
        var queueName = "idle-test-" + Guid.NewGuid().ToString("N")[..8];
        var settings = TestSettings.For(stack, "queue-" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string?>
        {
            ["Webhooks:Queue"] = queueName,
            ["AzureWebJobs.AutoEndInactiveSessions.Disabled"] = "true",
            ["AzureWebJobs.RelayWebhookEvents.Disabled"] = "true",
        });
        var (host, _, _) = await LiveChatApp.StartHostAsync(settings);
        try
        {
            var queue = new QueueClient(stack.QueueConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            await queue.CreateIfNotExistsAsync();
            await Task.Delay(10_000); // idle: the listener has backed off to host.json's maxPollingInterval (2 s); uncapped it would wait ~13 s
            // Not webhook work: the function drops it and succeeds, so the host deletes it.
            await queue.SendMessageAsync("""{"nothing":true}""");
            var taken = Stopwatch.StartNew();
            Assert.True(await Poll.UntilAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, 10_000));
            Assert.InRange(taken.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(8));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
