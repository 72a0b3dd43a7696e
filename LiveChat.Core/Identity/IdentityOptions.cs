namespace LiveChat.Core.Identity;

/// <summary>Section "Identity". Production: Authority (OpenID Connect metadata, e.g. Entra ID). Local: DevSigningKey.</summary>
public sealed class IdentityOptions
{
    public string? Authority { get; set; }
    public string Audience { get; set; } = "api://livechat";
    /// <summary>Required with DevSigningKey; with Authority the metadata's issuer is used when empty.</summary>
    public string? Issuer { get; set; }
    /// <summary>Fetch OpenID Connect metadata over HTTPS only (turn off only for a local test authority).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
    /// <summary>HS256 key (at least 32 characters) for locally minted agent tokens. Never set in production.</summary>
    public string? DevSigningKey { get; set; }
}
