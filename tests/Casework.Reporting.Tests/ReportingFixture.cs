using System.Net.Http.Json;
using Casework.Reporting.Apis;
using Casework.Testing;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Casework.Reporting.Tests;

[CollectionDefinition(Name)]
public sealed class ReportingCollection : ICollectionFixture<ReportingFixture>
{
    public const string Name = "reporting service";
}

/// <summary>
/// One real Reporting service for the whole assembly: its own database and the test-reporting vhost.
/// Tests use pathways and teams of their own, so their counts never mix.
/// </summary>
public sealed class ReportingFixture() : ServiceFixture<Program>("reporting", "test-reporting")
{
    public const string Audience = "casework-reporting";
    public const string Scope = "reporting";

    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    public HttpClient Staff(string role, params string[] teams) =>
        Factory.CreateClient(TestTokens.Staff(Unique("user"), "Test " + role, [role], teams, [Audience], Scope));

    /// <summary>Publishes and waits until the service consumed that very message.</summary>
    public async Task DeliverAsync<T>(T message, Guid? messageId = null) where T : class
    {
        var id = messageId ?? Guid.NewGuid();
        var before = Consumed.Count<T>(id);
        await PublishAsync(message, id);
        await Consumed.WaitForAsync<T>(id, times: before + 1);
    }

    public async Task<T> DocumentAsync<T>(Guid id, Func<T, bool> done) where T : class =>
        (await Eventually.Until(async () => (await Store.GetAsync<T>(id.ToString()))?.Document, d => d is not null && done(d),
            what: $"{typeof(T).Name} {id}"))!;

    public async Task<Summary> SummaryAsync(HttpClient client, string path) =>
        (await client.GetFromJsonAsync<Summary>(path)) ?? throw new InvalidOperationException("Empty summary.");
}

public static class SummaryExtensions
{
    public static long Of(this IReadOnlyList<KeyCount> counts, string? key) => counts.SingleOrDefault(c => c.Key == key)?.Count ?? 0;
}
