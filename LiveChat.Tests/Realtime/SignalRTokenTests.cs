using LiveChat.Core.Identity;
using System.Text;
using LiveChat.Core.Machines;
using LiveChat.Core.Realtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveChat.Tests.Realtime;

public sealed class SignalRTokenTests
{
    const string Key = "golden-access-key-0123456789abcdefghijkl";

    [Theory]
    [InlineData("Endpoint=https://chat.service.signalr.net;AccessKey=abc;Version=1.0;", "https://chat.service.signalr.net/")]
    [InlineData("Endpoint=http://127.0.0.1;AccessKey=abc;Version=1.0;Port=8888;", "http://127.0.0.1:8888/")]
    [InlineData("endpoint=https://x.service.signalr.net/;accesskey=abc", "https://x.service.signalr.net/")]
    public void Connection_string_gives_endpoint_and_key(string connectionString, string endpoint)
    {
        var connection = SignalRConnection.Parse(connectionString);
        Assert.Equal(endpoint, connection.Endpoint.AbsoluteUri);
        Assert.Equal("abc", connection.AccessKey);
    }

    [Theory]
    [InlineData("AccessKey=abc;Version=1.0;")]
    [InlineData("Endpoint=https://x.service.signalr.net;Version=1.0;")]
    [InlineData("Endpoint=not a url;AccessKey=abc")]
    [InlineData("Endpoint=https://x.service.signalr.net;AccessKey=abc;AuthType=azure.msi;Version=1.0;")]
    [InlineData("Endpoint=https://x.service.signalr.net;AuthType=aad;Version=1.0;")]
    public void Incomplete_connection_string_is_rejected(string connectionString) =>
        Assert.Throws<FormatException>(() => SignalRConnection.Parse(connectionString));

    [Fact]
    public async Task Machine_negotiate_token_names_the_client_url_the_machine_and_an_hour()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var publisher = new RealtimePublisher(new HttpClient(), Options.Create(new SignalROptions
        {
            ConnectionString = $"Endpoint=https://chat.service.signalr.net;AccessKey={Key};Version=1.0;",
        }), new NoIdentity(), new FakeTimeProvider(now), NullLogger<RealtimePublisher>.Instance);

        var negotiated = await publisher.NegotiateForMachineAsync(new MachineCaller("m-1", "t-1"), default);
        Assert.Equal("https://chat.service.signalr.net/client/?hub=livechat", negotiated.Url);

        var token = new JsonWebToken(negotiated.AccessToken);
        Assert.Equal("HS256", token.Alg);
        Assert.Equal([negotiated.Url], token.Audiences);
        Assert.Equal("machine:m-1", token.GetClaim("asrs.s.uid").Value);
        Assert.Equal(now.AddHours(1).UtcDateTime, token.ValidTo);

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(negotiated.AccessToken, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)),
            ValidAudience = negotiated.Url, ValidateIssuer = false, ValidateLifetime = false,
        });
        Assert.True(validation.IsValid);
        var forged = await new JsonWebTokenHandler().ValidateTokenAsync(negotiated.AccessToken, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key.Replace('0', '1'))),
            ValidAudience = negotiated.Url, ValidateIssuer = false, ValidateLifetime = false,
        });
        Assert.False(forged.IsValid);
    }

    [Fact]
    public void Server_token_audience_is_the_rest_url_without_query()
    {
        var connection = SignalRConnection.Parse($"Endpoint=https://chat.service.signalr.net;AccessKey={Key}");
        var url = connection.RestUrl("livechat", "users/machine%3Am-1/:send");
        Assert.Equal("https://chat.service.signalr.net/api/hubs/livechat/users/machine%3Am-1/:send", url);
        var token = new JsonWebToken(SignalRTokens.Create(Key, url, DateTimeOffset.UnixEpoch.AddYears(56), TimeSpan.FromMinutes(5)));
        Assert.Equal([url], token.Audiences);
        Assert.False(token.TryGetClaim("asrs.s.uid", out _));
    }

    [Fact]
    public void A_connection_string_with_AuthType_azure_msi_uses_the_apps_identity()
    {
        var connection = SignalRConnection.Parse("Endpoint=https://chat.service.signalr.net;AuthType=azure.msi;Version=1.0;");
        Assert.True(connection.UsesIdentity);
        Assert.Equal("https://chat.service.signalr.net/", connection.Endpoint.AbsoluteUri);
    }

    sealed class NoIdentity : Azure.Core.TokenCredential
    {
        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext context, CancellationToken ct) =>
            throw new InvalidOperationException("The key path must not ask for an identity token.");
        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext context, CancellationToken ct) =>
            throw new InvalidOperationException("The key path must not ask for an identity token.");
    }
}
