using LiveChat.Core.Errors;
using LiveChat.Core.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace LiveChat.Core.Identity;

/// <summary>
/// Validates the panel's JWT (issuer, audience, lifetime, signature) and loads the user it names. User documents are
/// cached for LiveChat:AgentUserCacheFor (≤ 30 s): a role change made on another instance takes effect there within
/// that time; on this instance at once.
/// </summary>
public sealed class AgentAuthenticator
{
    readonly ExpiringCache<string, UserDocument> _users;
    readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    readonly TokenValidationParameters _parameters;
    readonly CosmosStore _store;
    readonly ConfigurationManager<OpenIdConnectConfiguration>? _metadata;
    readonly ILogger<AgentAuthenticator> _log;
    readonly IReadOnlyDictionary<string, string> _bootstrapAdmins;

    public AgentAuthenticator(IOptions<IdentityOptions> options, IOptions<LiveChatOptions> limits, CosmosStore store, TimeProvider time,
        ILogger<AgentAuthenticator> log)
    {
        _store = store;
        _log = log;
        _users = new(time, limits.Value.AgentUserCacheFor);
        var o = options.Value;
        _bootstrapAdmins = o.BootstrapAdminsByUser() ?? new Dictionary<string, string>();
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
            // A bounded fetch, retried every 10 s while the authority is down (the default waits 5 minutes).
            _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
                o.Authority.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever(new HttpClient { Timeout = TimeSpan.FromSeconds(3) }) { RequireHttps = o.RequireHttpsMetadata })
            {
                RefreshInterval = TimeSpan.FromSeconds(10),
            };
            _parameters.ConfigurationManager = _metadata;
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
        await EnsureMetadataAsync(ct);
        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid) throw ErrorCatalog.AgentTokenInvalid.Raise();

        var subject = (result.Claims.TryGetValue("oid", out var oid) ? oid : result.Claims.TryGetValue("sub", out var sub) ? sub : null) as string;
        if (string.IsNullOrEmpty(subject)) throw ErrorCatalog.AgentTokenInvalid.Raise();

        var user = await UserAsync(subject, ct) ?? await BootstrapAdminAsync(subject, result.Claims, ct) ?? throw ErrorCatalog.AgentUnknown.Raise();
        return new AgentCaller(user.Id, user.TenantId, user.Role.ToUpperInvariant(), user.Name, user.Email, user.AvatarUrl);
    }

    async Task<UserDocument?> UserAsync(string id, CancellationToken ct)
    {
        if (_users.TryGet(id, out var cached)) return cached;
        var user = await _store.Users.ReadOrNullAsync<UserDocument>(id, id, ct);
        if (user is not null) _users.Set(id, user);
        return user;
    }

    /// <summary>
    /// A user listed in Identity:BootstrapAdmins, unknown so far, becomes the ADMIN of the listed tenant while that
    /// tenant has none (one query; the user's id is the document id, so racing sign-ins create it once).
    /// </summary>
    async Task<UserDocument?> BootstrapAdminAsync(string subject, IDictionary<string, object> claims, CancellationToken ct)
    {
        if (!_bootstrapAdmins.TryGetValue(subject, out var tenantId)) return null;
        var admins = await _store.Users.QueryAsync<string>(new QueryDefinition(
                "SELECT VALUE c.id FROM c WHERE c.tenantId = @tenantId AND c.role = @admin")
            .WithParameter("@tenantId", tenantId).WithParameter("@admin", Roles.Admin), ContainerExtensions.AllPartitions, ct, maxItems: 1);
        if (admins.Count > 0)
        {
            // Made ADMIN a moment ago by a racing sign-in of the same user, or known now for another reason.
            if (await _store.Users.ReadOrNullAsync<UserDocument>(subject, subject, ct) is { } user) return user;
            _log.LogWarning("Bootstrap ADMIN {UserId} ignored: tenant {TenantId} already has an ADMIN.", subject, tenantId);
            return null;
        }
        string? Claim(string name) => claims.TryGetValue(name, out var value) && value is string { Length: > 0 } text ? text : null;
        var admin = new UserDocument
        {
            Id = subject, TenantId = tenantId, Role = Roles.Admin,
            Name = Claim("name") ?? Claim("preferred_username") ?? "Administrador",
            Email = Claim("email") ?? Claim("preferred_username"),
        };
        if (!await _store.Users.TryCreateAsync(admin, admin.Id, ct)) return await _store.Users.ReadOrNullAsync<UserDocument>(subject, subject, ct);
        _log.LogInformation("Bootstrap ADMIN {UserId} created for tenant {TenantId}.", subject, tenantId);
        return admin;
    }

    /// <summary>Drop a user from this instance's cache after it was changed here.</summary>
    public void Forget(string userId) => _users.Remove(userId);

    /// <summary>
    /// The authority's keys must be at hand before a token can be judged: when they cannot be fetched (and none are
    /// cached) the caller gets 503 identity_unavailable, never a 401 that would tell it its token is bad.
    /// </summary>
    async Task EnsureMetadataAsync(CancellationToken ct)
    {
        if (_metadata is null) return;
        try
        {
            await _metadata.GetConfigurationAsync(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _log.LogWarning("OpenID Connect metadata or keys could not be fetched: {Error}", e.GetBaseException().Message);
            throw ErrorCatalog.IdentityUnavailable.Raise();
        }
    }
}
