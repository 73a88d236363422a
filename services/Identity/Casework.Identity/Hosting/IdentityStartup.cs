using Casework.Identity.Data;
using Casework.Identity.Security;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
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
/// Creates the identity schema and the first Data Protection key, first of all hosted services (Data Protection's
/// start-up reads its key ring from it), and as a step of the <c>migrate</c> verb (<see cref="MigrateCommand"/>; the Helm
/// chart's pre-install/pre-upgrade Job). The database itself must exist (the platform's provisioning creates it): the
/// lock below is taken on a connection to it before any table is made, so EnsureCreated never gets to create a database.
/// Replicas starting together would race: EnsureCreated in two processes fails one of them with "relation already
/// exists", and each would create its own key. So both steps run under a PostgreSQL advisory lock, one process at a time;
/// the next one finds the tables and a valid key and does nothing. EnsureCreated creates missing tables and never
/// changes an existing schema: a schema change needs EF Core migrations (README, known limitations).
/// </summary>
public sealed class IdentitySchema(IServiceScopeFactory scopeFactory, IKeyManager keys, TimeProvider clock, ILogger<IdentitySchema> logger)
    : IHostedService, IMigrationStep
{
    /// <summary>The advisory lock's key: any number no other lock in the identity database uses.</summary>
    private const long LockKey = 0x43617365_49644442; // "CaseIdDB"

    /// <summary>A key that expires sooner than this is replaced, as Data Protection itself would (its refresh period is 2 days).</summary>
    private static readonly TimeSpan MinimumRemainingLifetime = TimeSpan.FromDays(3);

    public Task StartAsync(CancellationToken cancellationToken) => EnsureAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken);
        return "The identity schema and a valid Data Protection key are in place.";
    }

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        await OneAtATimeAsync(db, async () =>
        {
            if (await db.Database.EnsureCreatedAsync(cancellationToken))
            {
                logger.LogInformation("Identity schema created");
            }
            EnsureDataProtectionKey();
        }, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> while holding the identity database's advisory lock, on the context's own connection
    /// (so the work's statements run on it; a session lock also ends if the connection drops).
    /// </summary>
    public static async Task OneAtATimeAsync(IdentityDb db, Func<Task> work, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({LockKey})", cancellationToken);
            try
            {
                await work();
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>One valid key in the ring before anything protects data, so replicas share it instead of each making one.</summary>
    private void EnsureDataProtectionKey()
    {
        var now = clock.GetUtcNow();
        var valid = keys.GetAllKeys().Any(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now + MinimumRemainingLifetime);
        if (!valid)
        {
            keys.CreateNewKey(now, now.AddDays(90));
            logger.LogInformation("Data Protection key created");
        }
    }
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
        // Under the schema's lock: replicas starting together would each create a missing role or scope, and all but
        // one would fail on the unique name.
        await IdentitySchema.OneAtATimeAsync(services.GetRequiredService<IdentityDb>(), async () =>
        {
            await EnsureScopesAsync(services.GetRequiredService<IOpenIddictScopeManager>(), cancellationToken);
            await EnsureRolesAsync(services.GetRequiredService<RoleManager<IdentityRole>>());
        }, cancellationToken);

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
