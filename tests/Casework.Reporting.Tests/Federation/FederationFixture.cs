using Casework.Reporting.Federation;
using Casework.Reporting.Rendering;
using Casework.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Casework.Reporting.Tests.Federation;

[CollectionDefinition(Name)]
public sealed class FederationCollection : ICollectionFixture<FederationFixture>
{
    public const string Name = "reporting federation";
}

/// <summary>
/// The impact report's stand-in: a small report of the asked period whose figures a test can change (to produce a
/// different rollup of the same period). Real suppression, signing and storage run on what it returns.
/// </summary>
public sealed class TestReportSource : IRegionalReportSource
{
    public long Employment { get; set; } = 12;

    public int Calls { get; private set; }

    public Task<Report> BuildAsync(ReportPeriod period, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(Sample(period, "whatever-the-report-says", Employment));
    }

    public static readonly Column[] Columns =
    [
        new("pathway", "Pathway", ColumnKind.Text),
        new("opened", "Opened", ColumnKind.Count),
        new("median", "Median days to close", ColumnKind.Days),
    ];

    /// <summary>Employment (given), Housing 3 (suppressed), Debt advice 9 (withheld as its complement), a total.</summary>
    public static Report Sample(ReportPeriod period, string region, long employment) => new(
        "Impact report", period, new DateTimeOffset(2026, 4, 2, 6, 0, 0, TimeSpan.Zero), region,
        [
            new ReportSection("Cases by pathway", Columns,
            [
                Row.Of(Cell.Label("Employment"), Cell.Count(employment), Cell.Figure(30m, employment)),
                Row.Of(Cell.Label("Housing"), Cell.Count(3), Cell.Figure(8m, 3)),
                Row.Of(Cell.Label("Debt advice"), Cell.Count(9), Cell.Figure(11m, 9)),
                Row.Total(Cell.Label("All pathways"), Cell.Count(employment + 12), Cell.Figure(20m, employment + 12)),
            ]),
        ]);
}

/// <summary>The Reporting service as a region ("test-north", which signs) that is also the national instance trusting itself and
/// "test-south" (whose private key the tests hold and sign with), with <see cref="TestReportSource"/> as its regional report.</summary>
public sealed class FederationFixture() : ServiceFixture<Program>("reporting_federation", "test-reporting")
{
    public const string Region = "test-north";
    public const string OtherRegion = "test-south";

    public (string PrivateKeyPem, string PublicKeyPem) RegionKey { get; } = RegionKeys.Create();
    public (string PrivateKeyPem, string PublicKeyPem) OtherRegionKey { get; } = RegionKeys.Create();
    public TestReportSource Source { get; } = new();

    public Dictionary<string, string?> Settings(bool signingKey = true) => new()
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["Reporting:Federation:RegionId"] = Region,
        ["Reporting:Federation:SigningKeyPem"] = signingKey ? RegionKey.PrivateKeyPem : null,
        [$"Reporting:Federation:TrustedRegions:{Region}:PublicKeyPem"] = RegionKey.PublicKeyPem,
        [$"Reporting:Federation:TrustedRegions:{OtherRegion}:PublicKeyPem"] = OtherRegionKey.PublicKeyPem,
    };

    protected override ServiceFactory<Program> CreateFactory(TestDatabase database) => new WithReportSource(database, Settings(), Source);

    /// <summary>Another host on the same database with other settings (e.g. no signing key, or a broken one).</summary>
    public ServiceFactory<Program> CreateHost(IReadOnlyDictionary<string, string?> settings, IRegionalReportSource source) =>
        new WithReportSource(Database, settings, source);

    public HttpClient Staff(string role) => Factory.CreateClient(
        TestTokens.Staff(ReportingFixture.Unique("user"), "Test " + role, [role], [], [ReportingFixture.Audience], ReportingFixture.Scope));

    public SignedRollup SignOther(ReportPeriod period, long employment, DateTimeOffset generatedAt, string? region = null)
    {
        var published = new Suppression().Publish(TestReportSource.Sample(period, region ?? OtherRegion, employment));
        using var signer = new RollupSigner(region ?? OtherRegion, OtherRegionKey.PrivateKeyPem);
        return signer.Sign(RegionalRollup.From(published, generatedAt));
    }

    private sealed class WithReportSource(TestDatabase database, IReadOnlyDictionary<string, string?> settings, IRegionalReportSource source)
        : ServiceFactory<Program>(database, "test-reporting", settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // The test's report in place of the funder report, so the rollup's figures are known.
            builder.ConfigureTestServices(services => services.AddSingleton(source));
        }
    }
}
