using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using LiveChat.Core.Chat;
using LiveChat.Core.Uploads;
using LiveChat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveChat.Tests.Uploads;

/// <summary>
/// Production signs SAS with a user-delegation key obtained by the app's identity (no account key). Azurite over
/// HTTPS with OAuth stands in for Storage, and a fixed credential for the managed identity, so the app's services
/// run in this process (the credential cannot be handed to a worker process).
/// </summary>
public sealed class UserDelegationApp : CoreApp
{
    static readonly Lazy<Task<string>> OAuthAzurite = new(StartAzuriteWithOAuthAsync);
    string _serviceUri = "";

    public override async Task InitializeAsync()
    {
        _serviceUri = await OAuthAzurite.Value;
        await base.InitializeAsync();
    }

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Blob:ConnectionString"] = "",
        ["Blob:ServiceUri"] = _serviceUri,
        ["Blob:AcceptSelfSignedCertificate"] = "true",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TokenCredential>(new FixedIdentity());

    static async Task<string> StartAzuriteWithOAuthAsync()
    {
        var dir = Directory.CreateTempSubdirectory("azurite-oauth").FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1));
        await File.WriteAllTextAsync(Path.Combine(dir, "cert.pem"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), key.ExportPkcs8PrivateKeyPem());

        var port = LocalStack.FreePort();
        var process = LocalStack.StartAzurite(port, "--oauth", "basic", "--cert", Path.Combine(dir, "cert.pem"), "--key", Path.Combine(dir, "key.pem"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { process.Kill(); } catch (InvalidOperationException) { } };
        var uri = $"https://127.0.0.1:{port}/devstoreaccount1";
        await LocalStack.WaitForAsync(new Uri(uri + "?comp=list"));
        return uri;
    }

    /// <summary>An Entra-shaped storage token; Azurite checks issuer, audience and lifetime, not the signature.</summary>
    sealed class FixedIdentity : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var tenant = "11111111-1111-1111-1111-111111111111";
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = $"https://sts.windows.net/{tenant}/",
                Audience = "https://storage.azure.com",
                Expires = TimeProvider.System.GetUtcNow().AddHours(1).UtcDateTime,
                NotBefore = TimeProvider.System.GetUtcNow().AddMinutes(-5).UtcDateTime,
                Claims = new Dictionary<string, object> { ["oid"] = "22222222-2222-2222-2222-222222222222", ["tid"] = tenant },
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256),
            });
            return new AccessToken(token, TimeProvider.System.GetUtcNow().AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}

public sealed class UserDelegationTests(UserDelegationApp app) : IClassFixture<UserDelegationApp>
{
    static readonly HttpClient Storage = new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });

    [Fact]
    public async Task Without_an_account_key_uploads_are_signed_with_a_user_delegation_key()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var upload = await app.Get<LiveChat.Core.Uploads.Uploads>().CreateAsync(AttachmentOwner.Machine(chat.Machine), new UploadRequest("log.txt", "text/plain", 3), default);
        var url = upload.UploadUrl;
        Assert.Contains("skoid=", url);
        Assert.Contains("sp=c", url);

        var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent("abc"u8.ToArray()) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        put.Content.Headers.ContentType = new("text/plain");
        Assert.Equal(HttpStatusCode.Created, (await Storage.SendAsync(put)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Storage.GetAsync(url)).StatusCode);

        await app.Get<MessagePosting>().PostAsync(ChatParticipant.Of(chat.Machine), chat.TicketId, new PostMessageRequest("log", null, [new AttachmentCitation(upload.AttachmentId)]), default);
        var attachment = (await app.Get<MessagePages>().ListAsync(ChatParticipant.Of(chat.Agent), chat.TicketId, null, null, default)).Messages[0].Attachments[0];
        Assert.Equal("abc"u8.ToArray(), await Storage.GetByteArrayAsync(attachment.Url!));
    }
}
