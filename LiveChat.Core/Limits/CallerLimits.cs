using System.Collections.Concurrent;
using LiveChat.Core.Errors;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Limits;

/// <summary>A token bucket: <see cref="Burst"/> calls at once, refilled at <see cref="PerMinute"/>.</summary>
public sealed class Bucket
{
    public int Burst { get; set; }
    public int PerMinute { get; set; }
}

/// <summary>Section "RateLimits": one bucket per caller (machine id or user id) and kind of call.</summary>
public sealed class RateLimitOptions
{
    public Bucket Posts { get; set; } = new() { Burst = 20, PerMinute = 60 };
    public Bucket Uploads { get; set; } = new() { Burst = 10, PerMinute = 20 };
    public Bucket Typing { get; set; } = new() { Burst = 10, PerMinute = 60 };
    public Bucket Negotiate { get; set; } = new() { Burst = 5, PerMinute = 10 };
}

public enum LimitedCall { Posts, Uploads, Typing, Negotiate }

/// <summary>
/// Per-caller token buckets, per instance: a Function App scaled out to N instances lets a caller through up to N
/// times as often. Over the limit: 429 rate_limited with Retry-After. Buckets refill lazily from the clock (no timers);
/// there is one per caller and kind seen lately by this instance: past <see cref="PruneAbove"/> buckets, those refilled
/// to their burst (the same as no bucket) are dropped, at most once every 10 s.
/// </summary>
public sealed class CallerLimits(IOptions<RateLimitOptions> options, TimeProvider time)
{
    internal const int PruneAbove = 10_000;
    readonly ConcurrentDictionary<(LimitedCall, string), TokenBucket> _buckets = new();
    long _nextPruneAt;

    internal int BucketCount => _buckets.Count;

    public void Take(LimitedCall call, string caller)
    {
        var now = time.NowMs();
        var bucket = _buckets.GetOrAdd((call, caller), key => new TokenBucket(Bucket(key.Item1), now));
        if (!bucket.TryTake(now, out var retryAfter)) throw ErrorCatalog.RateLimited.Raise(retryAfter: retryAfter);
        if (_buckets.Count > PruneAbove && now >= Interlocked.Read(ref _nextPruneAt)) Prune(now);
    }

    // A bucket dropped while another call takes from it costs that caller at most one extra call.
    void Prune(long now)
    {
        Interlocked.Exchange(ref _nextPruneAt, now + 10_000);
        foreach (var (key, bucket) in _buckets)
            if (bucket.IsFull(now)) _buckets.TryRemove(key, out _);
    }

    Bucket Bucket(LimitedCall call) => call switch
    {
        LimitedCall.Posts => options.Value.Posts,
        LimitedCall.Uploads => options.Value.Uploads,
        LimitedCall.Typing => options.Value.Typing,
        _ => options.Value.Negotiate,
    };

    sealed class TokenBucket(Bucket bucket, long now)
    {
        double _tokens = bucket.Burst;
        long _refilledAt = now;

        public bool IsFull(long now)
        {
            lock (this) return _tokens + Math.Max(0, now - _refilledAt) * bucket.PerMinute / 60_000.0 >= bucket.Burst;
        }

        public bool TryTake(long now, out TimeSpan retryAfter)
        {
            lock (this)
            {
                _tokens = Math.Min(bucket.Burst, _tokens + Math.Max(0, now - _refilledAt) * bucket.PerMinute / 60_000.0);
                _refilledAt = Math.Max(now, _refilledAt);
                retryAfter = TimeSpan.FromMilliseconds((1 - _tokens) * 60_000.0 / bucket.PerMinute);
                if (_tokens < 1) return false;
                _tokens -= 1;
                return true;
            }
        }
    }
}
