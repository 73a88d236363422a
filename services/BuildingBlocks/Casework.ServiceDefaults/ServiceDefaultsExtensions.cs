using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Prometheus;

namespace Casework.ServiceDefaults;

/// <summary>What every Casework process does the same way.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Structured JSON logs, traces, Prometheus metrics, health checks, RFC 9457 problem details,
    /// forwarded headers from the gateway, a drain period on shutdown and a warning for environment
    /// settings nothing read.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        ConfigurationUsage.Track(builder);
        // Lowest-priority defaults: appsettings, environment and command line still override them.
        // HttpClient (and so every gRPC call) logs four Information lines per request: at production
        // request rates that is most of a service's log volume and measurable CPU (make bench).
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:MassTransit"] = "Warning",
            },
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });

        var tracing = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("casework-" + serviceName))
            .WithTracing(traces => traces
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsInfrastructurePath(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource("MassTransit")
                .AddSource(CaseworkTelemetry.ActivitySourceName));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            tracing.UseOtlpExporter();
        }

        // .NET meters (ASP.NET Core, Kestrel, gRPC, Npgsql, HttpClient) are exported on /metrics;
        // the runtime's private QUIC diagnostics are noise for an HTTP/1.1 + h2c platform.
        Metrics.ConfigureMeterAdapter(options =>
            options.InstrumentFilterPredicate = instrument => !instrument.Meter.Name.StartsWith("Private.", StringComparison.Ordinal));

        builder.Services.AddHealthChecks();
        builder.Services.AddCaseworkProblemDetails();
        // Binding failures (a body that is not JSON of the expected type, a query value that is not a
        // number) throw, in every environment, so the problem-details handler can name the field;
        // otherwise minimal APIs answer a bare 400 outside Development.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        // Only the gateway (and, in a cluster, the ingress in front of it) may set forwarded headers.
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            // "none" (or an empty list) trusts nobody; ASP.NET would read empty lists as "trust everyone".
            var networks = (builder.Configuration["ForwardedHeaders:TrustedNetworks"] ?? "127.0.0.0/8,::1/128")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(network => !network.Equals("none", StringComparison.OrdinalIgnoreCase))
                .ToList();
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            options.ForwardedHeaders = networks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        // Kubernetes sends SIGTERM and waits; finish in-flight requests and messages within this.
        builder.Services.Configure<HostOptions>(options =>
            options.ShutdownTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Shutdown:TimeoutSeconds", 25)));
        return builder;
    }

    /// <summary>
    /// The shared pipeline head: forwarded headers, request id, problem details, metrics. Call before
    /// mapping the service's own endpoints.
    /// </summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHttpMetrics(options => options.ReduceStatusCodeCardinality());
        return app;
    }

    /// <summary>Health (<c>/health/live</c>, <c>/health/ready</c>, <c>/health/broker</c>) and Prometheus <c>/metrics</c>.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Live: the process answers. Ready: every dependency tagged "ready" answers: the store, without which no
        // request can be served. The broker is not one (writes go to the outbox meanwhile): its check is tagged
        // "broker" and answered on /health/broker (no broker: no check, Healthy).
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapHealthChecks("/health/broker", new HealthCheckOptions { Predicate = check => check.Tags.Contains("broker") }).AllowAnonymous();
        app.MapMetrics("/metrics").AllowAnonymous();
        return app;
    }

    internal static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}

public static class CaseworkTelemetry
{
    public const string ActivitySourceName = "Casework";
    public static readonly System.Diagnostics.ActivitySource ActivitySource = new(ActivitySourceName);
}
