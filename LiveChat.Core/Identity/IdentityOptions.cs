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
    /// <summary>
    /// "tenantId:userId" pairs, comma-separated: a listed user (the token's oid or sub) who signs in while the
    /// tenant has no ADMIN becomes its ADMIN. The way to the first ADMIN of a new deployment; ignored once one exists.
    /// </summary>
    public string? BootstrapAdmins { get; set; }

    /// <summary>BootstrapAdmins as userId → tenantId; null when a pair is malformed.</summary>
    public IReadOnlyDictionary<string, string>? BootstrapAdminsByUser()
    {
        var byUser = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (BootstrapAdmins ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split(':');
            if (parts.Length != 2 || parts[0].Trim().Length == 0 || parts[1].Trim().Length == 0) return null;
            byUser[parts[1].Trim()] = parts[0].Trim();
        }
        return byUser;
    }
}
