using System.Net;
using System.Net.Sockets;

namespace LiveChat.Core.Webhooks;

/// <summary>
/// Where this service may send a tenant's events (server-side request forgery is the risk: an endpoint URL must not
/// reach the service's own network). A URL is checked when it is saved (scheme https, no user info or fragment, an IP
/// literal must be public) and every address is checked again when a delivery connects, after DNS resolution, so a name
/// that resolves to a private address (or is re-pointed to one later) is refused at connect time. Redirects are not
/// followed and no proxy is used.
/// </summary>
public static class WebhookUrls
{
    public const int MaxLength = 2000;

    /// <summary>Null when the URL may be saved; otherwise why not.</summary>
    public static string? Refusal(string? url, bool allowLoopback)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxLength) return WebhookTexts.UrlRequired(MaxLength);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
            return WebhookTexts.UrlNotHttps;
        if (!string.IsNullOrEmpty(uri.UserInfo)) return WebhookTexts.UrlWithCredentials;
        if (!string.IsNullOrEmpty(uri.Fragment)) return WebhookTexts.UrlWithFragment;
        var loopback = IsLoopbackHost(uri);
        if (uri.Scheme == "http" && !(allowLoopback && loopback)) return WebhookTexts.UrlNotHttps;
        if (loopback) return allowLoopback ? null : WebhookTexts.UrlLoopback;
        if (IPAddress.TryParse(uri.DnsSafeHost, out var address) && !IsAllowed(address, allowLoopback)) return WebhookTexts.UrlPrivate;
        return null;
    }

    static bool IsLoopbackHost(Uri uri) =>
        uri.IsLoopback || uri.DnsSafeHost.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                       || uri.DnsSafeHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Public unicast only: not loopback (unless <paramref name="allowLoopback"/>), private (10/8, 172.16/12, 192.168/16,
    /// fc00::/7), shared (100.64/10), link-local (169.254/16 with the instance metadata service, fe80::/10), Azure's
    /// platform address 168.63.129.16, unspecified, multicast, broadcast or reserved; IPv4 inside IPv6 (mapped, 6to4,
    /// NAT64) is judged as IPv4.
    /// </summary>
    public static bool IsAllowed(IPAddress address, bool allowLoopback)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return allowLoopback;
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsPublicV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        var b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast) return false;
        if ((b[0] & 0xfe) == 0xfc) return false; // unique local fc00::/7
        if (b[0] == 0x20 && b[1] == 0x02) return IsPublicV4(b[2..6]); // 6to4 2002::/16
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return IsPublicV4(b[12..16]); // NAT64 64:ff9b::/96
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false; // documentation 2001:db8::/32
        return (b[0] & 0xe0) == 0x20; // global unicast 2000::/3
    }

    static bool IsPublicV4(byte[] b) => !(
        b[0] is 0 or 10 or 127 or >= 224 // this network, private, loopback, multicast and reserved (224/4, 240/4, broadcast)
        || (b[0] == 100 && b[1] is >= 64 and < 128) // shared address space (CGNAT)
        || (b[0] == 169 && b[1] == 254) // link-local, instance metadata
        || (b[0] == 172 && b[1] is >= 16 and < 32)
        || (b[0] == 192 && b[1] == 168)
        || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) // IETF protocol assignments, TEST-NET-1
        || (b[0] == 198 && b[1] is 18 or 19) // benchmarking
        || (b[0] == 198 && b[1] == 51 && b[2] == 100) || (b[0] == 203 && b[1] == 0 && b[2] == 113) // TEST-NET-2/3
        || (b[0] == 168 && b[1] == 63 && b[2] == 129 && b[3] == 16)); // Azure platform (wireserver)
}
