using Casework.Identity.Data;
using Casework.Identity.Security;
using Casework.ServiceDefaults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenIddict.Abstractions;

namespace Casework.Identity.Hosting;

/// <summary>Whether start-up work (keys, schema, scopes, roles) has finished.</summary>
public sealed class StartupState
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}

/// <summary>
/// Creates the identity schema, first of all hosted services (Data Protection's start-up reads its key
/// ring from it). EnsureCreated for now: it creates the database and tables when they are missing and never
/// changes an existing schema. Versioned EF Core migrations (run as a job before rollout) come with the
/// Kubernetes work; until then a schema change means recreating the identity database.
/// </summary>
public sealed class IdentitySchema(IServiceScopeFactory scopeFactory) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentityDb>().Database.EnsureCreatedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Runs before the server starts listening (hosted services start first), after the schema exists: loads
/// the keys and registers the API scopes and staff roles (the demo seeder, registered after it, then runs
/// when <c>Seed:DemoDataPath</c> is set). Any failure stops the process with the reason, so Kubernetes restarts it.
/// </summary>
public sealed class IdentityStartup(
    IServiceScopeFactory scopeFactory,
    IdentityKeyRing keys,
    StartupState state,
    ILogger<IdentityStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        keys.EnsureLoaded();

        await using var scope = scopeFactory.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await EnsureScopesAsync(services.GetRequiredService<IOpenIddictScopeManager>(), cancellationToken);
        await EnsureRolesAsync(services.GetRequiredService<RoleManager<IdentityRole>>());

        state.MarkReady();
        logger.LogInformation("Identity store ready");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The API scopes and their resources are part of the platform, not demo data: always present.</summary>
    private static async Task EnsureScopesAsync(IOpenIddictScopeManager manager, CancellationToken cancellationToken)
    {
        foreach (var (name, resources) in CaseworkScopes.Resources)
        {
            var existing = await manager.FindByNameAsync(name, cancellationToken);
            if (existing is null)
            {
                var descriptor = new OpenIddictScopeDescriptor { Name = name, DisplayName = name };
                descriptor.Resources.UnionWith(resources);
                await manager.CreateAsync(descriptor, cancellationToken);
                continue;
            }
            var current = await manager.GetResourcesAsync(existing, cancellationToken);
            if (!current.ToHashSet(StringComparer.Ordinal).SetEquals(resources))
            {
                var descriptor = new OpenIddictScopeDescriptor();
                await manager.PopulateAsync(descriptor, existing, cancellationToken);
                descriptor.Resources.Clear();
                descriptor.Resources.UnionWith(resources);
                await manager.UpdateAsync(existing, descriptor, cancellationToken);
            }
        }
    }

    private static async Task EnsureRolesAsync(RoleManager<IdentityRole> roles)
    {
        foreach (var role in CaseworkRoles.Staff)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                var result = await roles.CreateAsync(new IdentityRole(role));
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException(
                        $"Could not create role {role}: {string.Join(" ", result.Errors.Select(error => error.Description))}");
                }
            }
        }
    }
}

/// <summary>Ready when start-up has finished and the identity database answers.</summary>
public sealed class IdentityStoreHealthCheck(StartupState state, IServiceScopeFactory scopeFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!state.IsReady)
        {
            return HealthCheckResult.Unhealthy("Start-up (schema, scopes, seeding) has not finished.");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await using var scope = scopeFactory.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
            return await db.Database.CanConnectAsync(timeout.Token)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The identity database does not answer.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The identity database did not answer within 5 seconds.");
        }
    }
}
