using System.Collections.Concurrent;

namespace LiveChat.Core;

/// <summary>
/// A per-instance cache whose entries live for a fixed time from the clock. Expired entries are pruned once the
/// cache grows past <see cref="PruneAbove"/> entries, so a long-running instance does not keep every key it ever saw.
/// A zero lifetime caches nothing.
/// </summary>
public sealed class ExpiringCache<TKey, TValue>(TimeProvider time, TimeSpan lifetime) where TKey : notnull
{
    const int PruneAbove = 10_000;
    readonly ConcurrentDictionary<TKey, (TValue Value, long ExpiresAt)> _entries = new();

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && time.NowMs() < entry.ExpiresAt)
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        if (lifetime <= TimeSpan.Zero) return;
        var now = time.NowMs();
        _entries[key] = (value, now + (long)lifetime.TotalMilliseconds);
        if (_entries.Count > PruneAbove) Prune(now);
    }

    /// <summary>Adds the entry unless a live one exists; true when added. Atomic across threads.</summary>
    public bool TryAdd(TKey key, TValue value)
    {
        var now = time.NowMs();
        var entry = (value, now + (long)lifetime.TotalMilliseconds);
        while (true)
        {
            if (_entries.TryAdd(key, entry))
            {
                if (_entries.Count > PruneAbove) Prune(now);
                return true;
            }
            if (!_entries.TryGetValue(key, out var current)) continue;
            if (now < current.ExpiresAt) return false;
            if (_entries.TryUpdate(key, entry, current)) return true;
        }
    }

    public async Task<TValue> GetOrAddAsync(TKey key, Func<Task<TValue>> load)
    {
        if (TryGet(key, out var cached)) return cached;
        var value = await load();
        Set(key, value);
        return value;
    }

    public void Remove(TKey key) => _entries.TryRemove(key, out _);

    void Prune(long now)
    {
        foreach (var (key, entry) in _entries)
            if (entry.ExpiresAt <= now) _entries.TryRemove(KeyValuePair.Create(key, entry));
    }
}
