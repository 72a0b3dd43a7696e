using System.Collections.Concurrent;

namespace LiveChat.Core.Chat;

/// <summary>
/// The createdAt of a new message: the clock's millisecond, but always after the last one this worker gave a message
/// of the same ticket. Messages are listed in (createdAt, id) order and ids do not follow time, so without this two
/// messages posted through one worker within a millisecond could be listed in either order. (Through two workers at
/// the same millisecond they are concurrent, and the id decides.)
/// </summary>
public sealed class MessageClock(TimeProvider time)
{
    /// <summary>Tickets remembered before those idle for a second are forgotten (a forgotten ticket's clock is the clock).</summary>
    const int Remembered = 10_000;

    readonly ConcurrentDictionary<string, long> _lastByTicket = new();

    public long Next(string ticketId)
    {
        var now = time.NowMs();
        var given = _lastByTicket.AddOrUpdate(ticketId, now, (_, last) => Math.Max(now, last + 1));
        if (_lastByTicket.Count > Remembered)
            foreach (var entry in _lastByTicket)
                if (entry.Value < now - 1_000) _lastByTicket.TryRemove(entry);
        return given;
    }
}
