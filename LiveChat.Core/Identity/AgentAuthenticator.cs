using LiveChat.Core.Errors;
using LiveChat.Core.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace LiveChat.Core.Identity;

/// <summary>Validates the panel's JWT (issuer, audience, lifetime, signature) and loads the user it names.</summary>
public sealed class AgentAuthenticator
{
    readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    readonly TokenValidationParameters _parameters;
    readonly CosmosStore _store;

    public AgentAuthenticator(IOptions<IdentityOptions> options, CosmosStore store, TimeProvider time)
    {
        _store = store;
        var o = options.Value;
        _parameters = new TokenValidationParameters
        {
            ValidAudience = o.Audience,
            ValidIssuer = o.Issuer,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromMinutes(1),
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return expires is { } e && e + p.ClockSkew > now && (notBefore is not { } nb || nb - p.ClockSkew <= now);
            },
        };
        if (!string.IsNullOrEmpty(o.Authority))
        {
            // Keys and, unless Identity:Issuer names one, the issuer come from the authority's metadata.
            _parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                o.Authority.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = o.RequireHttpsMetadata });
        }
        else
        {
            _parameters.IssuerSigningKey = DevTokens.SigningKey(o);
            _parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
    }

    public async Task<AgentCaller> AuthenticateAsync(string? authorization, CancellationToken ct)
    {
        var token = BearerToken.From(authorization) ?? throw ErrorCatalog.AgentTokenMissing.Raise();
        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid) throw ErrorCatalog.AgentTokenInvalid.Raise();

        var subject = (result.Claims.TryGetValue("oid", out var oid) ? oid : result.Claims.TryGetValue("sub", out var sub) ? sub : null) as string;
        if (string.IsNullOrEmpty(subject)) throw ErrorCatalog.AgentTokenInvalid.Raise();

        var user = await _store.Users.ReadOrNullAsync<UserDocument>(subject, subject, ct)
            ?? throw ErrorCatalog.AgentUnknown.Raise();
        return new AgentCaller(user.Id, user.TenantId, user.Role.ToUpperInvariant(), user.Name, user.Email, user.AvatarUrl);
    }
}

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
