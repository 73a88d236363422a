using System.Net;
using System.Net.Sockets;

namespace Casework.Intake.Webhooks;

/// <summary>
/// Where Casework may post webhooks. A partner chooses the URL, so without these rules it could make
/// Casework call into its own network (server-side request forgery): only https, and only public
/// addresses, checked when the URL is registered and again on every connection (after DNS, so a name
/// that later resolves to a private address is caught). <c>Webhooks:AllowInsecureTargets</c> lifts both
/// rules for local runs and tests, whose receivers are http on loopback.
/// </summary>
public static class WebhookTargets
{
    /// <summary>Why the URL cannot be a webhook target, or null when it can.</summary>
    public static string? Refusal(string? url, bool allowInsecure)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2000 || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return "The field must be an absolute URL of at most 2,000 characters.";
        }
        if (uri.Scheme != Uri.UriSchemeHttps && !(allowInsecure && uri.Scheme == Uri.UriSchemeHttp))
        {
            return "The webhook URL must use https.";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return "The webhook URL must not carry credentials or a fragment.";
        }
        if (allowInsecure)
        {
            return null;
        }
        if (uri.IsLoopback || uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".local", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.IdnHost, out var address) && !IsPublic(address)))
        {
            return "The webhook URL must point at a public address.";
        }
        if (uri.HostNameType == UriHostNameType.Dns && !uri.IdnHost.Contains('.'))
        {
            return "The webhook URL must use a fully qualified host name.";
        }
        return null;
    }

    /// <summary>True for globally routable unicast addresses; false for loopback, private, link-local, CGNAT, multicast and reserved ranges.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224                    // "this" network, private, loopback, multicast and reserved
                || (b[0] == 100 && b[1] is >= 64 and <= 127)             // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254)                          // link-local (cloud metadata endpoints)
                || (b[0] == 172 && b[1] is >= 16 and <= 31)              // private
                || (b[0] == 192 && b[1] == 168)                          // private
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)          // IETF protocol assignments, documentation
                || (b[0] == 198 && b[1] is 18 or 19)                     // benchmarking
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)            // documentation
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));           // documentation
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC                                 // unique local fc00::/7
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // documentation 2001:db8::/32
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) // NAT64 (embeds IPv4, possibly private)
                || address.IsIPv6Teredo || b.Take(12).All(x => x == 0)); // Teredo, IPv4-compatible and unspecified
        }
        return false;
    }
}
