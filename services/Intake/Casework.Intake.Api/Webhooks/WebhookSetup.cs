using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Casework.Intake.Webhooks;

/// <summary>A webhook host resolved only to addresses Casework does not post to.</summary>
public sealed class WebhookTargetRefusedException(string host) : Exception($"The webhook host '{host}' resolves to no public address.");

public static class WebhookSetup
{
    /// <summary>The webhook settings (checked at start-up), the guarded HTTP client and the delivery worker.</summary>
    public static WebApplicationBuilder AddPartnerWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>()
            .Bind(builder.Configuration.GetSection(WebhookOptions.Section))
            .Validate(o => !o.Problems().Any(), $"{WebhookOptions.Section} settings are not valid: see WebhookOptions.Problems.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(WebhookDeliveryWorker.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services => NewHandler(services.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowInsecureTargets));
        builder.Services.AddSingleton<WebhookDeliveryWorker>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WebhookDeliveryWorker>());
        return builder;
    }

    /// <summary>
    /// No redirects (a redirect could lead to a private address), no proxy from the environment, no
    /// cookies, and every connection checked after DNS resolution: only public addresses unless insecure
    /// targets are allowed.
    /// </summary>
    private static SocketsHttpHandler NewHandler(bool allowInsecureTargets) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var allowed = allowInsecureTargets ? addresses : addresses.Where(WebhookTargets.IsPublic).ToArray();
            if (allowed.Length == 0)
            {
                throw new WebhookTargetRefusedException(host);
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
