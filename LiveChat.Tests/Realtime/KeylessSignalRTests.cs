using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure.Core;
using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Realtime;
using LiveChat.SignalRStandIn;
using LiveChat.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveChat.Tests.Realtime;

/// <summary>
/// SignalR with local auth disabled, as deployed: a stand-in of its own that refuses access-key tokens, an app whose
/// connection string has AuthType=azure.msi, and an Entra-style credential in place of the managed identity.
/// </summary>
public sealed class KeylessSignalRApp : CoreApp
{
    public const string EntraKey = "test-entra-signing-key-0123456789abcdef0123";
    WebApplication? _standIn;

    public string Endpoint { get; private set; } = "";
    public EntraIdentity Identity { get; } = new(EntraKey, ServiceKey.EntraAudience);

    public override async Task InitializeAsync()
    {
        Endpoint = $"http://127.0.0.1:{LocalStack.FreePort()}";
        _standIn = StandIn.Build(LocalStack.SignalRAccessKey, ["--urls", Endpoint, "--Logging:LogLevel:Default=Warning"], EntraKey, disableLocalAuth: true);
        await _standIn.StartAsync();
        await base.InitializeAsync();
    }

    protected override Dictionary<string, string?> Settings => new()
    {
        ["SignalR:ConnectionString"] = $"Endpoint={Endpoint};AuthType=azure.msi;Version=1.0;",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TokenCredential>(Identity);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_standIn is not null) await _standIn.DisposeAsync();
    }
}

/// <summary>An Entra-shaped token for SignalR, signed with the stand-in's stand-in for Entra's keys.</summary>
public sealed class EntraIdentity(string key, string audience) : TokenCredential
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext context, CancellationToken ct)
    {
        foreach (var scope in context.Scopes) Scopes.Enqueue(scope);
        var now = TimeProvider.System.GetUtcNow();
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://sts.windows.net/11111111-1111-1111-1111-111111111111/",
            Audience = audience,
            NotBefore = now.AddMinutes(-5).UtcDateTime,
            Expires = now.AddHours(1).UtcDateTime,
            Claims = new Dictionary<string, object> { ["oid"] = "22222222-2222-2222-2222-222222222222" },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, now.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext context, CancellationToken ct) => ValueTask.FromResult(GetToken(context, ct));
}

public sealed class KeylessSignalRTests(KeylessSignalRApp app) : IClassFixture<KeylessSignalRApp>
{
    static async Task<(HubConnection Connection, ConcurrentQueue<JsonElement> Heard)> ConnectAsync(NegotiateResult negotiated)
    {
        var heard = new ConcurrentQueue<JsonElement>();
        var connection = new HubConnectionBuilder()
            .WithUrl(negotiated.Url, o => o.AccessTokenProvider = () => Task.FromResult<string?>(negotiated.AccessToken)).Build();
        connection.On<JsonElement>("ping", heard.Enqueue);
        await connection.StartAsync();
        return (connection, heard);
    }

    static async Task<JsonElement> HeardAsync(ConcurrentQueue<JsonElement> heard)
    {
        for (var i = 0; i < 500 && heard.IsEmpty; i++) await Task.Delay(10);
        return Assert.Single(heard);
    }

    [Fact]
    public async Task Client_tokens_come_from_generateToken_and_pushes_carry_the_apps_Entra_token()
    {
        var publisher = app.Get<RealtimePublisher>();
        var machine = await publisher.NegotiateForMachineAsync(new MachineCaller("m-keyless", "t-keyless"), default);
        Assert.Equal($"{app.Endpoint}/client/?hub=livechat", machine.Url);
        Assert.Equal("machine:m-keyless", new JsonWebToken(machine.AccessToken).GetClaim("asrs.s.uid").Value);
        var agent = await publisher.NegotiateForAgentAsync(new AgentCaller("u-keyless", "t-keyless", "AGENT", "Ana", null, null), default);

        var (machineConnection, machineHeard) = await ConnectAsync(machine);
        var (agentConnection, agentHeard) = await ConnectAsync(agent);
        await using (machineConnection)
        await using (agentConnection)
        {
            Assert.True(await publisher.SendToUserAsync(SignalRTokens.MachineUser("m-keyless"), "ping", new { to = "machine" }, default));
            Assert.True(await publisher.SendToGroupAsync(SignalRTokens.AgentsGroup("t-keyless"), "ping", new { to = "agents" }, default));
            Assert.Equal("machine", (await HeardAsync(machineHeard)).GetProperty("to").GetString());
            Assert.Equal("agents", (await HeardAsync(agentHeard)).GetProperty("to").GetString());
        }
        Assert.All(app.Identity.Scopes, scope => Assert.Equal("https://signalr.azure.com/.default", scope));
        Assert.NotEmpty(app.Identity.Scopes);
    }

    [Fact]
    public async Task With_local_auth_off_the_access_key_opens_nothing_and_a_wrong_identity_is_a_503()
    {
        var withKey = Publisher($"Endpoint={app.Endpoint};AccessKey={LocalStack.SignalRAccessKey};Version=1.0;", app.Identity);
        Assert.False(await withKey.SendToUserAsync("machine:m-1", "ping", new { }, default));
        var keySigned = await withKey.NegotiateForMachineAsync(new MachineCaller("m-1", "t-1"), default);
        await Assert.ThrowsAnyAsync<Exception>(async () => await (await ConnectAsync(keySigned)).Connection.DisposeAsync());

        var wrongAudience = Publisher($"Endpoint={app.Endpoint};AuthType=azure.msi;Version=1.0;",
            new EntraIdentity(KeylessSignalRApp.EntraKey, "https://storage.azure.com"));
        var refused = await Assert.ThrowsAsync<LiveChatException>(() => wrongAudience.NegotiateForMachineAsync(new MachineCaller("m-1", "t-1"), default));
        Assert.Equal(ErrorCatalog.RealtimeUnavailable.Code, refused.Error.Code);
        Assert.False(await wrongAudience.SendToUserAsync("machine:m-1", "ping", new { }, default));
    }

    static RealtimePublisher Publisher(string connectionString, TokenCredential identity) =>
        new(new HttpClient(), Options.Create(new SignalROptions { ConnectionString = connectionString }), identity, TimeProvider.System,
            NullLogger<RealtimePublisher>.Instance);
}
