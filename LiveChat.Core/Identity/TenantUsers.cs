using LiveChat.Core.Errors;
using LiveChat.Core.Storage;
using static LiveChat.Core.Identity.AdminInput;

namespace LiveChat.Core.Identity;

public sealed record UpsertUserRequest(string? Role, string? Name, string? Email, string? AvatarUrl);

/// <summary>A tenant's panel users, as its ADMIN provisions them.</summary>
public sealed class TenantUsers(CosmosStore store, AgentAuthenticator agents)
{
    /// <summary>Creates or updates a user of the admin's tenant; an id that belongs to another tenant is never taken over.</summary>
    public async Task<UserView> UpsertAsync(AgentCaller admin, string userId, UpsertUserRequest request, CancellationToken ct)
    {
        RequireAdmin(admin);
        ValidId(userId, "userId");
        var role = Required(request.Role, "role", 32).ToUpperInvariant();
        if (!Roles.Known.Contains(role)) throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.OneOf("role", Roles.Known));
        var user = new UserDocument
        {
            Id = userId, TenantId = admin.TenantId, Role = role, Name = Required(request.Name, "name"),
            Email = Optional(request.Email, "email", 320), AvatarUrl = Optional(request.AvatarUrl, "avatarUrl", 2048),
        };
        var existing = await store.Users.ReadOrNullAsync<UserDocument>(userId, userId, ct);
        if (existing is not null && existing.TenantId != admin.TenantId) throw ErrorCatalog.IdTaken.Raise();
        var written = existing is null
            ? await store.Users.TryCreateAsync(user, userId, ct)
            : await store.Users.TryReplaceIfUnchangedAsync(user, userId, userId, existing.ETag!, ct);
        if (!written) throw ErrorCatalog.ConcurrentUpdate.Raise();
        agents.Forget(userId);
        return UserView.Of(user);
    }

    /// <summary>A user named in a request must be one of the admin's tenant: anything else is a bad request, never a leak.</summary>
    public async Task<UserDocument> MemberAsync(AgentCaller admin, string userId, string field, CancellationToken ct)
    {
        var user = await store.Users.ReadOrNullAsync<UserDocument>(userId, userId, ct);
        return user is not null && user.TenantId == admin.TenantId
            ? user
            : throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.NotATenantUser(field, userId));
    }
}
