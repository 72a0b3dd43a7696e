using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveChat.SignalRStandIn;

/// <summary>
/// A local stand-in for Azure SignalR Service in serverless mode: the client endpoint /client/?hub= (negotiate and
/// every transport of the stock clients, HS256 access token from the header or access_token query) and the REST
/// API /api/hubs/{hub}/... (send to all, user, group; user-group membership; existence checks; generateToken).
/// REST calls are signed with the access key or carry an Entra-style token (audience https://signalr.azure.com,
/// HS256 with <paramref name="entraSigningKey"/> standing in for Entra's keys); with local auth disabled, only the
/// latter, as the service with disableLocalAuth. Not for production.
/// </summary>
public static class StandIn
{
    public static WebApplication Build(string accessKey, string[]? args = null, string? entraSigningKey = null, bool disableLocalAuth = false)
    {
        var builder = WebApplication.CreateBuilder(args ?? []);
        builder.Services.AddSignalR();
        builder.Services.AddSingleton(new ServiceKey(accessKey, entraSigningKey, disableLocalAuth));
        builder.Services.AddSingleton<Membership>();
        builder.Services.AddSingleton<IUserIdProvider, ServiceUserIdProvider>();
        builder.Services.AddAuthentication(ClientTokenHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, ClientTokenHandler>(ClientTokenHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        // As the service's default (allowedOrigins *): browser clients of any origin may negotiate and connect.
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
            policy.SetIsOriginAllowed(_ => true).AllowAnyHeader().AllowAnyMethod().AllowCredentials()));

        var app = builder.Build();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHub<ServerlessHub>("/client").RequireAuthorization();
        MapRest(app);
        return app;
    }

    static void MapRest(WebApplication app)
    {
        var api = app.MapGroup("/api/hubs/{hub}").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // The server token's audience is the request URL as sent (still percent-encoded), without the query.
            var rawTarget = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? http.Request.Path;
            var audience = $"{http.Request.Scheme}://{http.Request.Host}{rawTarget.Split('?')[0]}";
            var key = http.RequestServices.GetRequiredService<ServiceKey>();
            return await key.ValidateServerAsync(http.Request.Headers.Authorization.ToString(), audience)
                ? await next(context)
                : Results.Unauthorized();
        });

        api.MapPost("/:generateToken", (string hub, string? userId, int? minutesToExpire, HttpRequest req, ServiceKey key) =>
            Results.Ok(new { token = key.ClientToken($"{req.Scheme}://{req.Host}/client/?hub={hub}", userId, TimeSpan.FromMinutes(minutesToExpire ?? 60)) }));

        api.MapPost("/:send", async (HttpRequest req, IHubContext<ServerlessHub> hub) =>
            await SendAsync(req, hub.Clients.All));
        api.MapPost("/users/{user}/:send", async (string user, HttpRequest req, IHubContext<ServerlessHub> hub) =>
            await SendAsync(req, hub.Clients.User(user)));
        api.MapPost("/groups/{group}/:send", async (string group, HttpRequest req, IHubContext<ServerlessHub> hub) =>
            await SendAsync(req, hub.Clients.Group(group)));
        api.MapPut("/users/{user}/groups/{group}", async (string group, string user, Membership membership, IHubContext<ServerlessHub> hub) =>
        {
            await membership.AddUserToGroupAsync(user, group, hub.Groups);
            return Results.Ok();
        });
        api.MapDelete("/users/{user}/groups/{group}", async (string group, string user, Membership membership, IHubContext<ServerlessHub> hub) =>
        {
            await membership.RemoveUserFromGroupAsync(user, group, hub.Groups);
            return Results.Ok();
        });
        api.MapPost("/users/{user}/:closeConnections", (string user, Membership membership) =>
        {
            membership.CloseConnections(user);
            return Results.NoContent();
        });
        api.MapMethods("/users/{user}", ["HEAD"], (string user, Membership m) => m.UserConnected(user) ? Results.Ok() : Results.NotFound());
        api.MapMethods("/groups/{group}", ["HEAD"], (string group, Membership m) => m.GroupHasConnections(group) ? Results.Ok() : Results.NotFound());
    }

    static async Task<IResult> SendAsync(HttpRequest req, IClientProxy clients)
    {
        using var body = await JsonDocument.ParseAsync(req.Body);
        if (!body.RootElement.TryGetProperty("target", out var target) || target.GetString() is not { Length: > 0 } name)
            return Results.BadRequest();
        var arguments = body.RootElement.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(e => (object?)e.Clone()).ToArray() : [];
        await clients.SendCoreAsync(name, arguments);
        return Results.Accepted();
    }
}

public sealed class ServiceKey(string accessKey, string? entraSigningKey, bool disableLocalAuth)
{
    public const string EntraAudience = "https://signalr.azure.com";
    readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    // With local auth off the access key signs nothing; the client tokens the service hands out use a key of its own.
    readonly string _clientKey = disableLocalAuth ? Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) : accessKey;

    /// <summary>A REST call's token: signed with the access key for this URL, or an Entra-style token for the service.</summary>
    public async Task<bool> ValidateServerAsync(string? header, string audience) =>
        (!disableLocalAuth && await ValidateAsync(header, accessKey, audience) is not null)
        || (entraSigningKey is not null && await ValidateAsync(header, entraSigningKey, EntraAudience) is not null);

    /// <summary>A client connection's token, as handed out by negotiate or generateToken.</summary>
    public Task<ClaimsIdentity?> ValidateClientAsync(string? token, string audience) => ValidateAsync(token, _clientKey, audience);

    public string ClientToken(string audience, string? userId, TimeSpan lifetime)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Audience = audience, IssuedAt = now, NotBefore = now, Expires = now + lifetime,
            Claims = userId is null ? null : new Dictionary<string, object> { ["asrs.s.uid"] = userId },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_clientKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    async Task<ClaimsIdentity?> ValidateAsync(string? tokenOrHeader, string key, string audience)
    {
        var token = tokenOrHeader?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true ? tokenOrHeader[7..].Trim() : tokenOrHeader;
        if (string.IsNullOrEmpty(token)) return null;
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)),
            ValidateIssuer = false,
            AudienceValidator = (audiences, _, _) => audiences.Any(a => string.Equals(a.TrimEnd('/'), audience.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)),
            ValidateLifetime = true,
        });
        return result.IsValid ? result.ClaimsIdentity : null;
    }
}

/// <summary>Client connections authenticate with the access token from negotiate; its audience names the hub.</summary>
sealed class ClientTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ServiceKey key)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ServiceAccessToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : Request.Query["access_token"].ToString();
        var hub = Request.Query["hub"].ToString();
        var audience = $"{Request.Scheme}://{Request.Host}/client/?hub={hub}";
        var identity = await key.ValidateClientAsync(token, audience);
        return identity is null ? AuthenticateResult.Fail("invalid access token") : AuthenticateResult.Success(
            new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(identity.Claims, SchemeName)), SchemeName));
    }
}

sealed class ServiceUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) =>
        connection.User.FindFirst("asrs.s.uid")?.Value ?? connection.User.FindFirst("nameid")?.Value
        ?? connection.User.FindFirst(ClaimTypes.NameIdentifier)?.Value;
}

/// <summary>Serverless hubs have no server methods: clients only listen.</summary>
sealed class ServerlessHub(Membership membership) : Hub
{
    public override Task OnConnectedAsync() => membership.ConnectedAsync(Context.UserIdentifier, Context.ConnectionId, Context.Abort, Groups);
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        membership.Disconnected(Context.UserIdentifier, Context.ConnectionId);
        return Task.CompletedTask;
    }
}

/// <summary>User-group membership outlives connections, as the service's: a user's later connections join its groups.</summary>
sealed class Membership
{
    readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _groupsByUser = new();
    readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _connectionsByUser = new();
    readonly ConcurrentDictionary<string, Action> _abortByConnection = new();

    public async Task AddUserToGroupAsync(string user, string group, IGroupManager groups)
    {
        _groupsByUser.GetOrAdd(user, _ => new())[group] = 0;
        foreach (var connection in Connections(user)) await groups.AddToGroupAsync(connection, group);
    }

    public async Task RemoveUserFromGroupAsync(string user, string group, IGroupManager groups)
    {
        if (_groupsByUser.TryGetValue(user, out var set)) set.TryRemove(group, out _);
        foreach (var connection in Connections(user)) await groups.RemoveFromGroupAsync(connection, group);
    }

    public async Task ConnectedAsync(string? user, string connectionId, Action abort, IGroupManager groups)
    {
        _abortByConnection[connectionId] = abort;
        if (user is null) return;
        _connectionsByUser.GetOrAdd(user, _ => new())[connectionId] = 0;
        if (_groupsByUser.TryGetValue(user, out var set))
            foreach (var group in set.Keys) await groups.AddToGroupAsync(connectionId, group);
    }

    public void Disconnected(string? user, string connectionId)
    {
        _abortByConnection.TryRemove(connectionId, out _);
        if (user is not null && _connectionsByUser.TryGetValue(user, out var set)) set.TryRemove(connectionId, out _);
    }

    public bool UserConnected(string user) => Connections(user).Any();

    public void CloseConnections(string user)
    {
        foreach (var connection in Connections(user))
            if (_abortByConnection.TryRemove(connection, out var abort)) abort();
    }

    public bool GroupHasConnections(string group) =>
        _groupsByUser.Where(u => u.Value.ContainsKey(group)).Any(u => UserConnected(u.Key));

    IEnumerable<string> Connections(string user) => _connectionsByUser.TryGetValue(user, out var set) ? set.Keys : [];
}
