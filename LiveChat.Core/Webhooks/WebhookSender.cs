using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using StandardWebhooks;

namespace LiveChat.Core.Webhooks;

/// <summary>One attempt's outcome: the status (null when no answer came), how long it took, and what went wrong.</summary>
public sealed record WebhookAttemptResult(int? StatusCode, TimeSpan Latency, string? Error, TimeSpan? RetryAfter)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
    /// <summary>Network errors, timeouts, 408, 429 and 5xx are retried; any other answer is final.</summary>
    public bool Retryable => StatusCode is null or 408 or 429 or >= 500;
}

/// <summary>
/// Sends one signed attempt, as Standard Webhooks specifies: webhook-id (the event id, the same on every retry),
/// webhook-timestamp (seconds) and webhook-signature ("v1,&lt;HMAC-SHA256&gt;" per secret in use, space-separated during a
/// rotation's grace). Within <see cref="WebhookOptions.AttemptTimeout"/>; redirects are not followed.
/// </summary>
public sealed class WebhookSender(HttpClient http, TimeProvider time, IOptions<WebhookOptions> options)
{
    public const string HttpClientName = "webhooks";

    public async Task<WebhookAttemptResult> SendAsync(WebhookEndpointDocument endpoint, WebhookDeliveryDocument delivery, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", delivery.Id);
        request.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString());
        request.Headers.Add("webhook-signature", string.Join(' ',
            endpoint.SigningSecrets(now.ToUnixTimeMilliseconds()).Select(secret => new StandardWebhook(secret).Sign(delivery.Id, now, delivery.Payload))));
        request.Headers.UserAgent.ParseAdd("LiveChat-Webhooks/1.0");

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(options.Value.AttemptTimeout);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            return new((int)response.StatusCode, watch.Elapsed, null, RetryAfter(response, now));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(null, watch.Elapsed, WebhookTexts.Timeout(options.Value.AttemptTimeout), null);
        }
        catch (HttpRequestException e)
        {
            return new(null, watch.Elapsed, e.InnerException is AddressRefusedException refused ? refused.Message : WebhookTexts.NetworkError(e.HttpRequestError.ToString()), null);
        }
    }

    static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>
    /// The handler deliveries go through: every address a name resolves to is checked (<see cref="WebhookUrls.IsAllowed"/>)
    /// when connecting, so DNS cannot point a delivery at the service's own network; no redirects, no proxy.
    /// </summary>
    public static SocketsHttpHandler Handler(bool allowLoopback, TimeSpan connectTimeout) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var allowed = addresses.Where(a => WebhookUrls.IsAllowed(a, allowLoopback)).ToArray();
            if (allowed.Length == 0) throw new AddressRefusedException(host);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    sealed class AddressRefusedException(string host) : Exception(WebhookTexts.AddressRefused(host));
}
