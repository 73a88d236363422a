using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Casework.ServiceDefaults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Casework.Gateway;

/// <summary>
/// Partner clients (role <c>partner</c>) get a token bucket each, keyed by their validated
/// <c>client_id</c>; staff are not limited. The credential endpoints are limited per caller IP.
/// Nothing is queued: a rejected request gets 429, <c>Retry-After</c> and problem details.
/// </summary>
internal static class GatewayRateLimiting
{
    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var partner = new TokenBucketRateLimiterOptions
        {
            TokensPerPeriod = configuration.GetValue("RateLimiting:Partner:TokensPerPeriod", 100),
            ReplenishmentPeriod = TimeSpan.FromSeconds(configuration.GetValue("RateLimiting:Partner:ReplenishmentPeriodSeconds", 1.0)),
            TokenLimit = configuration.GetValue("RateLimiting:Partner:TokenLimit", 200),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        var anonymous = new FixedWindowRateLimiterOptions
        {
            PermitLimit = configuration.GetValue("RateLimiting:Anonymous:PermitsPerMinute", 300),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };

        // Created once: the per-request path allocates no delegates.
        Func<string, RateLimiter> newPartnerLimiter = _ => new TokenBucketRateLimiter(partner);
        Func<IPAddress, RateLimiter> newAnonymousLimiter = _ => new FixedWindowRateLimiter(anonymous);

        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = OnRejectedAsync;
            options.AddPolicy(GatewayPolicies.PartnerPerClient, context => context.User.IsPartner()
                ? RateLimitPartition.Get(PartnerKey(context), newPartnerLimiter)
                : RateLimitPartition.GetNoLimiter(string.Empty));
            options.AddPolicy(GatewayPolicies.AnonymousPerIp, context =>
                RateLimitPartition.Get(context.Connection.RemoteIpAddress ?? IPAddress.None, newAnonymousLimiter));
        });
        return services;
    }

    /// <summary>The validated client id; a partner token without one shares a single bucket.</summary>
    private static string PartnerKey(HttpContext context) => context.User.ClientId() ?? "partner:unidentified";

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        var http = context.HttpContext;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"The request rate limit was reached. Retry after {seconds} second(s).",
            },
        });
    }
}
