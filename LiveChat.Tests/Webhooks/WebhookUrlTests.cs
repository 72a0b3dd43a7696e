using System.Net;
using System.Net.Sockets;
using LiveChat.Core.Webhooks;

namespace LiveChat.Tests.Webhooks;

/// <summary>Where deliveries may go (server-side request forgery): the rules, as pure logic.</summary>
public sealed class WebhookUrlTests
{
    [Theory]
    [InlineData("https://hooks.example.com/livechat")]
    [InlineData("https://hooks.example.com:8443/a?b=c")]
    [InlineData("https://8.8.8.8/hook")]
    [InlineData("https://[2606:4700:4700::1111]/hook")]
    public void Public_https_urls_are_accepted(string url) => Assert.Null(WebhookUrls.Refusal(url, allowLoopback: false));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hooks.example.com/x")]
    [InlineData("ftp://hooks.example.com/x")]
    [InlineData("http://hooks.example.com/x")]
    [InlineData("https://user:pass@hooks.example.com/x")]
    [InlineData("https://hooks.example.com/x#frag")]
    [InlineData("https://127.0.0.1/x")]
    [InlineData("https://localhost/x")]
    [InlineData("https://api.localhost/x")]
    [InlineData("https://[::1]/x")]
    [InlineData("https://10.1.2.3/x")]
    [InlineData("https://172.20.0.1/x")]
    [InlineData("https://192.168.1.10/x")]
    [InlineData("https://169.254.169.254/metadata")]
    [InlineData("https://168.63.129.16/")]
    [InlineData("https://100.64.0.1/x")]
    [InlineData("https://0.0.0.0/x")]
    [InlineData("https://[fd00::1]/x")]
    [InlineData("https://[fe80::1]/x")]
    [InlineData("https://[::ffff:10.0.0.1]/x")]
    public void Other_urls_are_refused_in_Azure(string? url) => Assert.NotNull(WebhookUrls.Refusal(url, allowLoopback: false));

    [Theory]
    [InlineData("http://127.0.0.1:9000/hooks")]
    [InlineData("http://localhost:9000/hooks")]
    [InlineData("http://[::1]:9000/hooks")]
    public void Locally_http_to_loopback_is_allowed(string url) => Assert.Null(WebhookUrls.Refusal(url, allowLoopback: true));

    [Theory]
    [InlineData("http://10.0.0.5/hooks")]
    [InlineData("https://192.168.0.1/hooks")]
    [InlineData("http://hooks.example.com/x")]
    public void Locally_private_addresses_and_plain_http_elsewhere_stay_refused(string url) => Assert.NotNull(WebhookUrls.Refusal(url, allowLoopback: true));

    [Theory]
    [InlineData("93.184.216.34", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("::1", false)]
    [InlineData("::ffff:192.168.0.1", false)]
    [InlineData("2002:0a00:0001::1", false)] // 6to4 of 10.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe", false)] // NAT64 of 169.254.169.254
    [InlineData("2001:db8::1", false)]
    public void Each_address_is_judged_when_a_delivery_connects(string address, bool allowed) =>
        Assert.Equal(allowed, WebhookUrls.IsAllowed(IPAddress.Parse(address), allowLoopback: false));
    [Fact]
    public async Task A_name_resolving_only_to_loopback_is_refused_when_a_delivery_connects_and_nothing_is_dialled()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var url = $"http://localhost:{((IPEndPoint)listener.LocalEndpoint).Port}/hook";
            using var azure = new HttpClient(WebhookSender.Handler(allowLoopback: false, TimeSpan.FromSeconds(2)));
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => azure.PostAsync(url, new StringContent("{}")));
            Assert.Contains(WebhookTexts.AddressRefused("localhost"), refused.ToString());
            Assert.False(listener.Pending());

            using var local = new HttpClient(WebhookSender.Handler(allowLoopback: true, TimeSpan.FromSeconds(2)));
            var call = local.PostAsync(url, new StringContent("{}"));
            using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(5));
            accepted.Close();
            await Assert.ThrowsAnyAsync<Exception>(() => call);
        }
        finally
        {
            listener.Stop();
        }
    }
}
