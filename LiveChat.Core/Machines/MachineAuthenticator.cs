using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Machines;

/// <summary>
/// Validates "Authorization: Bearer &lt;machine token&gt;": a point read of the token by its hash, and one of its machine,
/// whose status decides as much as the token's (a REVOKED or deleted machine is refused whatever its token says).
/// Both are cached together for LiveChat:MachineTokenCacheFor (≤ 30 s): a revocation made on another instance takes
/// effect there within that time; on this instance at once.
/// </summary>
public sealed class MachineAuthenticator(CosmosStore store, TimeProvider time, IOptions<LiveChatOptions> options)
{
    /// <summary>A token and the status of its machine (null: the machine is gone or not of the token's tenant).</summary>
    sealed record Validation(MachineTokenDocument Token, string? MachineStatus);

    readonly ExpiringCache<string, Validation> _cache = new(time,
        options.Value.MachineTokenCacheFor > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : options.Value.MachineTokenCacheFor);

    public async Task<MachineCaller> AuthenticateAsync(string? authorization, CancellationToken ct)
    {
        var token = BearerToken.From(authorization) ?? throw ErrorCatalog.MachineTokenMissing.Raise();
        if (token.Length > 512) throw ErrorCatalog.MachineTokenInvalid.Raise();
        var hash = MachineTokens.Hash(token);
        if (!_cache.TryGet(hash, out var validation))
        {
            var stored = await store.MachineTokens.ReadOrNullAsync<MachineTokenDocument>(hash, hash, ct)
                ?? throw ErrorCatalog.MachineTokenInvalid.Raise();
            var machine = await store.Machines.ReadOrNullAsync<MachineDocument>(stored.MachineId, stored.MachineId, ct);
            validation = new Validation(stored, machine?.TenantId == stored.TenantId ? machine.Status : null);
            _cache.Set(hash, validation);
        }

        var (record, status) = validation;
        if (record.Revoked || status == MachineStatus.Revoked) throw ErrorCatalog.MachineTokenRevoked.Raise();
        if (status is null) throw ErrorCatalog.MachineTokenInvalid.Raise();
        if (record.ExpiresAt < time.NowMs()) throw ErrorCatalog.MachineTokenExpired.Raise();
        return new MachineCaller(record.MachineId, record.TenantId, record.ExpiresAt);
    }

    /// <summary>Drop a token from this instance's cache after it was revoked here.</summary>
    public void Forget(string tokenHash) => _cache.Remove(tokenHash);
}
