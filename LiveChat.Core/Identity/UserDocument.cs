using LiveChat.Core.Errors;
using LiveChat.Core.Storage;
using System.Text.Json.Serialization;

namespace LiveChat.Core.Identity;

/// <summary>users container, partition /id. The id is the identity provider's subject (oid or sub).</summary>
public sealed record UserDocument : IVersioned
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Role { get; init; }
    public required string Name { get; init; }
    public string? Email { get; init; }
    public string? AvatarUrl { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>What the API shows of a user.</summary>
public sealed record UserView(string Id, string TenantId, string Role, string Name, string? Email, string? AvatarUrl)
{
    public static UserView Of(UserDocument u) => new(u.Id, u.TenantId, u.Role, u.Name, u.Email, u.AvatarUrl);
}

public static class Roles
{
    public const string Admin = "ADMIN";
    public static readonly IReadOnlySet<string> Staff = new HashSet<string> { "ADMIN", "MANAGER", "AGENT" };
    public static readonly IReadOnlySet<string> Known = new HashSet<string> { "ADMIN", "MANAGER", "AGENT", "COLLABORATOR", "CUSTOMER" };

    public static bool IsStaff(string role) => Staff.Contains(role.ToUpperInvariant());
}

/// <summary>An authenticated panel user. Tenant and role come from the user document, never from the token or the request.</summary>
public sealed record AgentCaller(string UserId, string TenantId, string Role, string Name, string? Email, string? AvatarUrl)
{
    public bool IsStaff => Roles.IsStaff(Role);
    public bool IsAdmin => Role.Equals(Roles.Admin, StringComparison.OrdinalIgnoreCase);

    /// <summary>Staff only (ADMIN, MANAGER, AGENT): anyone else gets <paramref name="refusal"/>.</summary>
    public void RequireStaff(LiveChatError refusal)
    {
        if (!IsStaff) throw refusal.Raise();
    }
}
