using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveChat.Core.Identity;

/// <summary>Agent tokens signed with the local dev key, for running and testing without an identity provider.</summary>
public static class DevTokens
{
    public static SymmetricSecurityKey SigningKey(IdentityOptions options)
    {
        var key = options.DevSigningKey;
        if (string.IsNullOrEmpty(key) || key.Length < 32)
            throw new InvalidOperationException("Set Identity:Authority, or Identity:DevSigningKey (32+ characters) for local runs.");
        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key));
    }

    public static string Mint(IdentityOptions options, string userId, DateTimeOffset now, TimeSpan lifetime) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = userId },
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey(options), SecurityAlgorithms.HmacSha256),
        });
}
