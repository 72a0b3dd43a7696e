using System.Threading.Channels;
using LiveChat.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace LiveChat.Core.Realtime;

/// <summary>
/// Push off the request's path: events are queued once their write committed and sent by background senders, so a slow
/// or dead SignalR never holds a request (push is best-effort; clients catch up with their cursors, DESIGN §5). Each
/// recipient's pushes go through one sender, in order. The queues are bounded: past <see cref="CapacityPerSender"/>
/// waiting pushes (a long outage) the oldest are dropped and counted (livechat.push, outcome "dropped").
/// </summary>
public sealed class PushQueue : IAsyncDisposable
{
    const int Senders = 8;
    const int CapacityPerSender = 2_000;
    static readonly TimeSpan DrainOnStop = TimeSpan.FromSeconds(2);

    readonly Channel<Func<Task>>[] _queues;
    readonly Task _sending;

    public PushQueue(ILogger<PushQueue> log)
    {
        _queues = Enumerable.Range(0, Senders).Select(_ => Channel.CreateBounded<Func<Task>>(
            new BoundedChannelOptions(CapacityPerSender) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => LiveChatTelemetry.PushDropped())).ToArray();
        _sending = Task.WhenAll(_queues.Select(queue => Task.Run(async () =>
        {
            await foreach (var send in queue.Reader.ReadAllAsync())
            {
                try
                {
                    await send();
                }
                catch (Exception e)
                {
                    // The publisher reports its own failures; anything else must not stop this sender.
                    log.LogWarning("A push failed: {Error}", e.GetType().Name);
                }
            }
        })));
    }

    /// <summary>Queues <paramref name="send"/> behind the earlier pushes to <paramref name="recipient"/>; never waits.</summary>
    public void Enqueue(string recipient, Func<Task> send) =>
        _queues[(uint)StringComparer.Ordinal.GetHashCode(recipient) % Senders].Writer.TryWrite(send);

    /// <summary>Sends what is queued, for at most two seconds, when the worker stops.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues) queue.Writer.TryComplete();
        await Task.WhenAny(_sending, Task.Delay(DrainOnStop));
    }
}
