using Casework.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Casework.ServiceDefaults;

/// <summary>
/// What clients know a domain service (Intake, Case, Notes, Assignment, Reporting) by: its name, the
/// token audience it accepts, the segment of its public API prefix (<c>/api/{segment}</c>) and its docs.
/// </summary>
public sealed record ServiceDescription(string Name, string Audience, string ApiSegment, string Title, string Summary);

public static class DomainServiceExtensions
{
    /// <summary>
    /// Everything the five domain services share: the service defaults, bearer tokens for the service's
    /// audience, its OpenAPI document, a gRPC server, a clock and the region's calendar.
    /// </summary>
    public static WebApplicationBuilder AddDomainService(this WebApplicationBuilder builder, ServiceDescription service)
    {
        builder.AddServiceDefaults(service.Name);
        builder.AddCaseworkAuthentication(service.Audience);
        builder.AddApiDocs(service.ApiSegment, service.Title, service.Summary);
        builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<StoreUnavailableInterceptor>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        RegionCalendar.AddTo(builder);
        return builder;
    }

    /// <summary>The shared pipeline, authentication and authorisation, health, metrics and the API documents.</summary>
    public static WebApplication UseDomainService(this WebApplication app, ServiceDescription service)
    {
        app.UseServiceDefaults();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDefaultEndpoints();
        app.MapApiDocs(service.ApiSegment);
        return app;
    }

    /// <summary>
    /// Runs the service, or instead the one-off command its first argument names and returns that command's exit code:
    /// <c>migrate</c> (<see cref="MigrateCommand"/>: the store's schema and the other migration steps; the Helm charts'
    /// pre-install/pre-upgrade Job) or the service's own <paramref name="command"/>; any other verb is refused
    /// (<see cref="ServiceVerbs.RunVerbAsync"/>).
    /// </summary>
    public static async Task<int> RunDomainServiceAsync(this WebApplication app, ServiceDescription service, string[] args,
        Action<WebApplication> mapEndpoints, ServiceCommand? command = null)
    {
        if (await app.RunVerbAsync(args, command) is { } exitCode)
        {
            return exitCode;
        }
        app.UseDomainService(service);
        mapEndpoints(app);
        await app.RunAsync();
        return 0;
    }
}

/// <summary>A service's own one-off command, run instead of the service when its verb is the first argument.</summary>
public sealed record ServiceCommand(string Verb, Func<WebApplication, Task<int>> RunAsync);
