using System.Diagnostics;
using Casework.ServiceDefaults;
using Microsoft.AspNetCore.Diagnostics;
using Yarp.ReverseProxy.Transforms;

namespace Casework.Gateway;

/// <summary>Names the route configuration (appsettings.json, ReverseProxy:Routes) refers to.</summary>
public static class GatewayPolicies
{
    /// <summary>Authorization policy of every API route that is not a public document: a valid token.</summary>
    public const string Authenticated = "authenticated";

    /// <summary>Rate limiter policy of the API routes: a token bucket per partner client.</summary>
    public const string PartnerPerClient = "partner-per-client";

    /// <summary>Rate limiter policy of the credential endpoints (/connect/token, /account/login): per IP.</summary>
    public const string AnonymousPerIp = "anonymous-per-ip";

    /// <summary>The audiences accepted at the edge; each service checks its own one again.</summary>
    public static readonly string[] Audiences =
        ["casework-intake", "casework-case", "casework-notes", "casework-assignment", "casework-reporting"];
}

public static class GatewayExtensions
{
    /// <summary>
    /// Token validation at the edge, the rate limiters and the proxy (routes and clusters from
    /// <c>ReverseProxy</c>; transforms that apply to every route are added here).
    /// </summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.AddCaseworkAuthentication(GatewayPolicies.Audiences);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(GatewayPolicies.Authenticated, policy => policy.RequireAuthenticatedUser());
        builder.Services.AddGatewayRateLimiting(builder.Configuration);

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddTransforms(static transforms =>
            {
                // X-Forwarded-For/Proto/Host from the actual connection, X-Forwarded-Prefix from the
                // (empty) path base: whatever the caller sent is replaced. This also removes Forwarded.
                transforms.AddXForwarded(ForwardedTransformActions.Set);
                transforms.AddRequestHeaderRemove("X-Real-IP");

                transforms.AddResponseTransform(static context =>
                {
                    var http = context.HttpContext;
                    // Response headers from the service are appended to the gateway's; keep one request id.
                    http.Response.Headers[RequestIdMiddleware.HeaderName] = http.TraceIdentifier;
                    // A service's response passes through as it is: status code pages must not add a body
                    // to it. When the service did not answer (no response), they write problem details.
                    if (context.ProxyResponse is not null && http.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
                    {
                        statusCodePages.Enabled = false;
                    }
                    return ValueTask.CompletedTask;
                });
            });
        return builder;
    }

    /// <summary>
    /// The gateway's pipeline: its own request id first, then the shared head (request id, problem
    /// details, metrics), routing, token validation, authorization, rate limiting.
    /// </summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.Use(AssignRequestId);
        app.UseServiceDefaults();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        // After authorization: the partner partition key is the validated client_id.
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The proxied routes. Paths are forwarded unchanged.</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapReverseProxy();
        return app;
    }

    /// <summary>
    /// Replaces any <c>X-Request-Id</c> the caller sent with the gateway's own (the trace id), before
    /// the shared <see cref="RequestIdMiddleware"/> reads it; the proxy forwards it to the service.
    /// </summary>
    private static Task AssignRequestId(HttpContext context, RequestDelegate next)
    {
        var traceId = Activity.Current is { } activity ? activity.TraceId : ActivityTraceId.CreateRandom();
        context.Request.Headers[RequestIdMiddleware.HeaderName] = traceId.ToHexString();
        return next(context);
    }
}
