using System.Text.RegularExpressions;
using Casework.Reporting.Rendering;

namespace Casework.Reporting.Federation;

/// <summary>
/// What a region sends to the national instance: its published (already suppressed) report and nothing else.
/// Built only from a <see cref="PublishedReport"/>, whose cells cannot hold a hidden count, and a published
/// report holds no identifiers (no case, person or worker ids: only labels such as pathway names).
/// </summary>
public sealed partial record RegionalRollup(int SchemaVersion, string RegionId, DateTimeOffset GeneratedAt, PublishedReport Report)
{
    /// <summary>The rollup format this code writes and reads; a verifier rejects any other.</summary>
    public const int CurrentSchemaVersion = 1;

    public ReportPeriod Period => Report.Period;

    public static RegionalRollup From(PublishedReport report, DateTimeOffset generatedAt)
    {
        if (!IsRegionId(report.Region))
            throw new ArgumentException("A region id is 1 to 64 lower-case letters, digits or dashes.", nameof(report));
        return new(CurrentSchemaVersion, report.Region, generatedAt.ToUniversalTime(), report);
    }

    /// <summary>Region ids name keys in configuration and files, so they are kept to a plain slug.</summary>
    public static bool IsRegionId(string? id) => id is not null && RegionIdPattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex RegionIdPattern();
}
