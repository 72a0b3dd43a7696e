using System.Security.Cryptography;
using LiveChat.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveChat.Tests.Identity;

/// <summary>A local OpenID Connect authority (metadata + JWKS over HTTP) standing in for Entra ID.</summary>
public sealed class OidcAuthorityApp : LiveChatApp
{
    public static readonly RsaSecurityKey SigningKey = new(RSA.Create(2048)) { KeyId = "key-1" };
    static readonly Lazy<string> Authority = new(() =>
    {
        var url = $"http://127.0.0.1:{LocalStack.FreePort()}";
        var authority = WebApplication.CreateBuilder().Build();
        authority.Urls.Add(url);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(SigningKey);
        authority.MapGet("/.well-known/openid-configuration", () => Results.Json(new { issuer = url + "/", jwks_uri = url + "/keys" }));
        authority.MapGet("/keys", () => Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E } } }));
        authority.StartAsync().GetAwaiter().GetResult();
        return url;
    });

    public static string Issuer => Authority.Value + "/";

    public override string AgentToken(string userId, TimeSpan? lifetime = null) => Token(userId, Issuer, SigningKey, "api://livechat-prod");

    public string Token(string subject, string issuer, SecurityKey key, string audience) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience,
            Claims = new Dictionary<string, object> { ["oid"] = subject },
            Expires = TimeProvider.System.GetUtcNow().AddHours(1).UtcDateTime, NotBefore = TimeProvider.System.GetUtcNow().AddMinutes(-1).UtcDateTime,
            IssuedAt = TimeProvider.System.GetUtcNow().UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Identity:Authority"] = Authority.Value,
        ["Identity:Audience"] = "api://livechat-prod",
        ["Identity:Issuer"] = null,
        ["Identity:DevSigningKey"] = null,
        ["Identity:RequireHttpsMetadata"] = "false",
    };
}

public sealed class OpenIdConnectTests(OidcAuthorityApp app) : IClassFixture<OidcAuthorityApp>
{
    string Token(string subject, string issuer, SecurityKey key, string audience = "api://livechat-prod") => app.Token(subject, issuer, key, audience);

    [Fact]
    public async Task Tokens_from_the_authority_are_accepted_and_others_refused()
    {
        var tenant = await app.TenantAsync();
        var admin = $"{tenant.Id}-admin";
        var otherKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "key-1" };

        await (await app.ClientWithToken(Token(admin, OidcAuthorityApp.Issuer, OidcAuthorityApp.SigningKey)).GetAsync("/api/agent/chat/sessions")).OkJsonAsync();
        await (await app.ClientWithToken(Token(admin, "https://evil.example/", OidcAuthorityApp.SigningKey)).GetAsync("/api/agent/chat/sessions")).AssertProblemAsync(401, "agent_token_invalid");
        await (await app.ClientWithToken(Token(admin, OidcAuthorityApp.Issuer, otherKey)).GetAsync("/api/agent/chat/sessions")).AssertProblemAsync(401, "agent_token_invalid");
        await (await app.ClientWithToken(Token(admin, OidcAuthorityApp.Issuer, OidcAuthorityApp.SigningKey, "api://other")).GetAsync("/api/agent/chat/sessions")).AssertProblemAsync(401, "agent_token_invalid");
        var devSigned = LiveChat.Core.Identity.DevTokens.Mint(new LiveChat.Core.Identity.IdentityOptions
        {
            Issuer = OidcAuthorityApp.Issuer, Audience = "api://livechat-prod", DevSigningKey = "local-dev-signing-key-not-for-production-0123456789",
        }, admin, TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(1));
        await (await app.ClientWithToken(devSigned).GetAsync("/api/agent/chat/sessions")).AssertProblemAsync(401, "agent_token_invalid");
    }
}

/// <summary>An authority whose metadata cannot be fetched: nothing listens on its port.</summary>
public sealed class DeadAuthorityApp : LiveChatApp
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["Identity:Authority"] = $"http://127.0.0.1:{LocalStack.FreePort()}",
        ["Identity:Audience"] = "api://livechat-prod",
        ["Identity:Issuer"] = null,
        ["Identity:DevSigningKey"] = null,
        ["Identity:RequireHttpsMetadata"] = "false",
    };
}

public sealed class IdentityOutageTests(DeadAuthorityApp app) : IClassFixture<DeadAuthorityApp>
{
    [Fact]
    public async Task An_unreachable_identity_provider_is_503_identity_unavailable_not_a_bad_token()
    {
        var token = LiveChat.Core.Identity.DevTokens.Mint(new LiveChat.Core.Identity.IdentityOptions
        {
            Issuer = "https://login.example/", Audience = "api://livechat-prod", DevSigningKey = new string('k', 40),
        }, "someone", TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(1));
        var response = await app.ClientWithToken(token).GetAsync("/api/agent/chat/sessions");
        await response.AssertProblemAsync(503, "identity_unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.True(await app.LoggedAsync(l => l.StartsWith("Warning") && l.Contains("OpenID Connect metadata")));
    }
}
