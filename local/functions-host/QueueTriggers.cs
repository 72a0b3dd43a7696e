using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using LiveChat.FunctionsHost.Rpc;

namespace LiveChat.FunctionsHost;

/// <summary>
/// Runs queue-triggered functions as the Functions host's queue listener does: polls the queue, at once again while
/// messages come and backing off (doubling from 100 ms up to maxPollingInterval) while it is empty; takes up to
/// batchSize messages, hidden for 10 minutes while they run, all invoked at once. A message whose function succeeded
/// is deleted; one that failed becomes visible again after visibilityTimeout, and once it has been dequeued
/// maxDequeueCount times it is moved to "&lt;queue&gt;-poison". Connections are connection strings (the setting, or
/// AzureWebJobs&lt;name&gt;); identity-based connections (&lt;name&gt;__queueServiceUri) are Azure's only.
/// </summary>
public sealed class QueueTriggers(WorkerChannel channel, HostSettings settings, ILogger<QueueTriggers> log) : BackgroundService
{
    static readonly TimeSpan WorkerStartWait = TimeSpan.FromSeconds(30);
    static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan Hidden = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var worker = await channel.ReadyAsync(Timeout.InfiniteTimeSpan, stoppingToken);
            var options = settings.Queues();
            await Task.WhenAll(worker.Functions!.Queues
                .Where(queue => !settings.IsDisabled(queue.Name))
                .Select(queue => ListenAsync(queue, options, stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    QueueClient Client(QueueFunction function, string queueName, QueueSettings options)
    {
        var connection = settings.Setting(function.Connection) ?? settings.Setting("AzureWebJobs" + function.Connection)
            ?? throw new InvalidOperationException($"{function.Name}: connection setting '{function.Connection}' is not set (a Storage connection string).");
        var clientOptions = new QueueClientOptions { MessageEncoding = options.Base64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None };
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return new QueueClient(connection, queueName, clientOptions);
    }

    async Task ListenAsync(QueueFunction function, QueueSettings options, CancellationToken ct)
    {
        var queue = Client(function, function.Queue, options);
        var poison = Client(function, function.Queue + "-poison", options);
        var wait = TimeSpan.Zero;
        var created = false;
        while (!ct.IsCancellationRequested)
        {
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            QueueMessage[] messages;
            try
            {
                // At start, and again after a failed poll (the queue may have been deleted, or the emulator restarted empty).
                if (!created)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: ct);
                    created = true;
                }
                messages = (await queue.ReceiveMessagesAsync(Math.Clamp(options.BatchSize, 1, 32), Hidden, ct)).Value;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("Polling queue {Queue} for {Function} failed: {Error}", function.Queue, function.Name, e.Message);
                messages = [];
                created = false;
            }
            wait = messages.Length > 0 ? TimeSpan.Zero
                : wait == TimeSpan.Zero ? MinPollingInterval
                : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, options.MaxPollingInterval.Ticks));
            await Task.WhenAll(messages.Select(m => ProcessAsync(function, queue, poison, m, options, ct)));
        }
    }

    async Task ProcessAsync(QueueFunction function, QueueClient queue, QueueClient poison, QueueMessage message, QueueSettings options, CancellationToken ct)
    {
        var succeeded = await InvokeAsync(function, message, ct);
        try
        {
            if (succeeded) await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            else if (message.DequeueCount >= options.MaxDequeueCount)
            {
                await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
                await poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
                log.LogWarning("Message {Id} of {Queue} failed {Count} times; moved to {Poison}", message.MessageId, function.Queue, message.DequeueCount, poison.Name);
            }
            else await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.VisibilityTimeout, cancellationToken: CancellationToken.None);
        }
        catch (Exception e)
        {
            // The message reappears when its 10 minutes are up, as with the real host.
            log.LogWarning("Settling message {Id} of {Queue} failed: {Error}", message.MessageId, function.Queue, e.Message);
        }
    }

    /// <summary>The trigger's data as the host sends it: the message text, and its metadata (DequeueCount, Id, ...).</summary>
    async Task<bool> InvokeAsync(QueueFunction function, QueueMessage message, CancellationToken ct)
    {
        var invocationId = Guid.NewGuid().ToString();
        var watch = Stopwatch.StartNew();
        var text = message.Body.ToString();
        try
        {
            var worker = await channel.ReadyAsync(WorkerStartWait, ct);
            var request = new InvocationRequest
            {
                InvocationId = invocationId, FunctionId = function.Id, TraceContext = new RpcTraceContext(),
                InputData = { new ParameterBinding { Name = function.BindingName, Data = new TypedData { String = text } } },
            };
            request.TriggerMetadata.Add("QueueTrigger", new TypedData { String = text });
            request.TriggerMetadata.Add("Id", new TypedData { String = message.MessageId });
            request.TriggerMetadata.Add("PopReceipt", new TypedData { String = message.PopReceipt });
            request.TriggerMetadata.Add("DequeueCount", new TypedData { Json = message.DequeueCount.ToString() });
            request.TriggerMetadata.Add("InsertionTime", new TypedData { Json = JsonSerializer.Serialize(message.InsertedOn) });
            request.TriggerMetadata.Add("ExpirationTime", new TypedData { Json = JsonSerializer.Serialize(message.ExpiresOn) });
            request.TriggerMetadata.Add("NextVisibleTime", new TypedData { Json = JsonSerializer.Serialize(message.NextVisibleOn) });
            var response = await worker.InvokeAsync(request);
            var succeeded = response.Result?.Status == StatusResult.Types.Status.Success;
            if (succeeded)
                log.LogInformation("Executed 'Functions.{Function}' (Succeeded, Id={InvocationId}, Duration={Ms}ms)", function.Name, invocationId, watch.ElapsedMilliseconds);
            else
                log.LogError("Executed 'Functions.{Function}' (Failed, Id={InvocationId}, Duration={Ms}ms, DequeueCount={Count}): {Error}",
                    function.Name, invocationId, watch.ElapsedMilliseconds, message.DequeueCount, response.Result?.Exception?.Message);
            return succeeded;
        }
        catch (Exception e) when (e is TimeoutException or WorkerUnavailableException or WorkerStartException)
        {
            log.LogError("Queue function {Function} did not run: {Error}", function.Name, e.Message);
            return false;
        }
    }
}
