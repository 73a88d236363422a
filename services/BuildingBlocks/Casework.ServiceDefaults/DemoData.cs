using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Casework.ServiceDefaults;

/// <summary>Seeds a service's part of the demo data (deploy/local/demo-data.json) for a local run.</summary>
public interface IDemoDataSeeder
{
    /// <summary>Creates what is missing; must be idempotent (every start runs it).</summary>
    Task SeedAsync(JsonElement demoData, CancellationToken cancellationToken);
}

public static class DemoData
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Runs <typeparamref name="TSeeder"/> at start-up, before the service takes traffic, when
    /// <c>Seed:DemoDataPath</c> is set. Real regions leave it unset.
    /// </summary>
    public static IHostApplicationBuilder AddDemoDataSeeder<TSeeder>(this IHostApplicationBuilder builder) where TSeeder : class, IDemoDataSeeder
    {
        // Registered always and decided at start: configuration added late (e.g. by a test host) still counts.
        builder.Services.AddSingleton<TSeeder>();
        builder.Services.AddHostedService<DemoDataHostedService<TSeeder>>();
        return builder;
    }

    /// <summary>Reads one section (e.g. "pathways") of the demo data as a list.</summary>
    public static IReadOnlyList<T> Section<T>(this JsonElement demoData, string name) =>
        demoData.TryGetProperty(name, out var section) ? section.Deserialize<List<T>>(JsonOptions) ?? [] : [];
}

internal sealed class DemoDataHostedService<TSeeder>(TSeeder seeder, IConfiguration configuration, ILogger<TSeeder> logger) : IHostedService
    where TSeeder : IDemoDataSeeder
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = configuration["Seed:DemoDataPath"];
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }
        await using var file = File.OpenRead(path);
        using var document = await JsonDocument.ParseAsync(file, cancellationToken: cancellationToken);
        await seeder.SeedAsync(document.RootElement, cancellationToken);
        logger.LogInformation("Demo data from {Path} seeded", path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
