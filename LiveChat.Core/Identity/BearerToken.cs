namespace LiveChat.Core.Identity;

/// <summary>Both callers' tokens travel as "Authorization: Bearer x".</summary>
public static class BearerToken
{
    /// <summary>The token of an "Authorization: Bearer x" header, or null.</summary>
    public static string? From(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var token = authorization[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
