using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Casework.ServiceDefaults;

/// <summary>
/// Which settings given in the environment the process actually looked up. A deployment's setting with a misspelt
/// or obsolete name is otherwise ignored in silence (the service runs on its default), so once the service has
/// started it logs every hierarchical environment setting (<c>Section__Key</c>) that nothing read.
/// </summary>
public sealed class ConfigurationUsage
{
    /// <summary>The event logged at start when some settings were not read (Helm chart tests look for it).</summary>
    public static readonly EventId UnreadSettingsEvent = new(9001, "UnreadSettings");

    /// <summary>The prefixes of the environment variables the host's own (prefixed) configuration sources read.</summary>
    private static readonly string[] HostPrefixes = ["ASPNETCORE_", "DOTNET_"];

    // Lock-free: configuration is also read on request paths (options, logging filters).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _read = new(StringComparer.OrdinalIgnoreCase);

    internal void Record(string key)
    {
        if (!_read.ContainsKey(key))
        {
            _read.TryAdd(key, 0); // takes a bucket lock: only for a key not seen before
        }
    }

    private bool WasRead(string key) => _read.ContainsKey(key);

    /// <summary>
    /// The hierarchical keys set in <paramref name="environment"/> that were never looked up, in order. Names with the
    /// host's prefixes (<c>ASPNETCORE_Kestrel__…</c>, <c>DOTNET_…__…</c>) are read by the prefixed sources, which are not
    /// tracked: they are left out rather than reported unread.
    /// </summary>
    public IReadOnlyList<string> Unread(IEnumerable<string> environment) =>
        environment
            .Where(name => name.Contains("__", StringComparison.Ordinal))
            .Where(name => !HostPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            .Select(name => name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal))
            .Where(key => !WasRead(key))
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>
    /// Puts a recording wrapper around the (unprefixed) environment variables source, keeping its place and so its
    /// precedence. Reads answered by a later source (the command line) never reach it, which is what counts: the
    /// environment's value was then not the one used.
    /// </summary>
    internal static ConfigurationUsage Track(IHostApplicationBuilder builder)
    {
        var usage = new ConfigurationUsage();
        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" } environment)
            {
                sources[i] = new RecordingSource(environment, usage);
            }
        }
        builder.Services.AddSingleton(usage);
        builder.Services.AddHostedService<UnreadSettingsReporter>();
        return usage;
    }

    private sealed class RecordingSource(IConfigurationSource inner, ConfigurationUsage usage) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new RecordingProvider(inner.Build(builder), usage);
    }

    private sealed class RecordingProvider(IConfigurationProvider inner, ConfigurationUsage usage) : IConfigurationProvider
    {
        public bool TryGet(string key, out string? value)
        {
            usage.Record(key);
            return inner.TryGet(key, out value);
        }

        public void Set(string key, string? value) => inner.Set(key, value);

        public Microsoft.Extensions.Primitives.IChangeToken GetReloadToken() => inner.GetReloadToken();

        public void Load() => inner.Load();

        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) => inner.GetChildKeys(earlierKeys, parentPath);
    }

    /// <summary>Logs the unread settings once the host has started (every start-up read is done by then).</summary>
    private sealed class UnreadSettingsReporter(ConfigurationUsage usage, IHostApplicationLifetime lifetime, ILogger<ConfigurationUsage> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() =>
            {
                var names = Environment.GetEnvironmentVariables().Keys.Cast<string>();
                var unread = usage.Unread(names);
                if (unread.Count > 0)
                {
                    logger.LogWarning(UnreadSettingsEvent,
                        "Settings given in the environment that nothing read (misspelt or obsolete?): {UnreadSettings}",
                        string.Join(", ", unread));
                }
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
