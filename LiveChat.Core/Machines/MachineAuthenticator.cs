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
    readonly ExpiringCache<string, MachineTokenDocument> _cache = new(time,
        options.Value.MachineTokenCacheFor > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : options.Value.MachineTokenCacheFor);

    public async Task<MachineCaller> AuthenticateAsync(string? authorization, CancellationToken ct)
    {
        var token = BearerToken.From(authorization) ?? throw ErrorCatalog.MachineTokenMissing.Raise();
        if (token.Length > 512) throw ErrorCatalog.MachineTokenInvalid.Raise();
        var hash = MachineTokens.Hash(token);
        if (!_cache.TryGet(hash, out var record))
        {
            record = await store.MachineTokens.ReadOrNullAsync<MachineTokenDocument>(hash, hash, ct)
                ?? throw ErrorCatalog.MachineTokenInvalid.Raise();
            _cache.Set(hash, record);
        }

        if (record.Revoked) throw ErrorCatalog.MachineTokenRevoked.Raise();
        if (record.ExpiresAt < time.NowMs()) throw ErrorCatalog.MachineTokenExpired.Raise();
        return new MachineCaller(record.MachineId, record.TenantId);
    }

    /// <summary>Drop a token from this instance's cache after it was revoked here.</summary>
    public void Forget(string tokenHash) => _cache.Remove(tokenHash);
}
