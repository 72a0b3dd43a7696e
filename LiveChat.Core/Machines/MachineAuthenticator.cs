using System.Collections.Concurrent;
using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Machines;

/// <summary>
/// Validates "Authorization: Bearer &lt;machine token&gt;" with one point read by the token's hash.
/// Validations are cached for LiveChat:MachineTokenCacheFor (≤ 30 s): a revocation made on another
/// instance takes effect there within that time; on this instance at once.
/// </summary>
public sealed class MachineAuthenticator(CosmosStore store, TimeProvider time, IOptions<LiveChatOptions> options)
{
    readonly ConcurrentDictionary<string, (MachineTokenDocument Token, long CachedAt)> _cache = new();
    readonly TimeSpan _cacheFor = options.Value.MachineTokenCacheFor > TimeSpan.FromSeconds(30)
        ? TimeSpan.FromSeconds(30) : options.Value.MachineTokenCacheFor;

    public async Task<MachineCaller> AuthenticateAsync(string? authorization, CancellationToken ct)
    {
        var token = BearerToken.From(authorization) ?? throw ErrorCatalog.MachineTokenMissing.Raise();
        if (token.Length > 512) throw ErrorCatalog.MachineTokenInvalid.Raise();
        var hash = MachineTokens.Hash(token);
        var now = time.NowMs();

        MachineTokenDocument? record;
        if (_cache.TryGetValue(hash, out var cached) && now - cached.CachedAt < _cacheFor.TotalMilliseconds)
            record = cached.Token;
        else
        {
            record = await store.MachineTokens.ReadOrNullAsync<MachineTokenDocument>(hash, hash, ct);
            if (record is null) throw ErrorCatalog.MachineTokenInvalid.Raise();
            if (_cacheFor > TimeSpan.Zero) _cache[hash] = (record, now);
        }

        if (record.Revoked) throw ErrorCatalog.MachineTokenRevoked.Raise();
        if (record.ExpiresAt < now) throw ErrorCatalog.MachineTokenExpired.Raise();
        return new MachineCaller(record.MachineId, record.TenantId);
    }

    /// <summary>Drop a token from this instance's cache after it was revoked here.</summary>
    public void Forget(string tokenHash) => _cache.TryRemove(tokenHash, out _);
}
