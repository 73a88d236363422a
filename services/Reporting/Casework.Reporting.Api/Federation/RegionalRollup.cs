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
        if (UnsuppressedCount(report) is { } problem)
            throw new ArgumentException(problem, nameof(report));
        return new(CurrentSchemaVersion, report.Region, generatedAt.ToUniversalTime(), report);
    }

    /// <summary>
    /// A check that does not trust how the report was built (a <see cref="PublishedReport"/> can be constructed by
    /// hand): the threshold is at least 2 and no count column shows a value from 1 to threshold-1, and counts are
    /// whole. Null when the report passes; otherwise what is wrong. Complementary suppression cannot be
    /// re-checked from published figures alone, so this is the primary rule only.
    /// </summary>
    /// <summary>No region counts a billion of anything; a larger count is a forged file (and would overflow a national sum).</summary>
    public const long MaxCount = 1_000_000_000;

    public static string? UnsuppressedCount(PublishedReport report)
    {
        if (report.SuppressionThreshold < 2) return $"Suppression threshold {report.SuppressionThreshold} is below 2.";
        foreach (var section in report.Sections)
            for (var c = 0; c < section.Columns.Count; c++)
                if (section.Columns[c].Kind == ColumnKind.Count)
                    foreach (var row in section.Rows)
                        if (row.Cells[c] is { State: CellState.Value, Value: var value }
                            && (value < 0 || value > MaxCount || value != decimal.Truncate(value!.Value) || (value > 0 && value < report.SuppressionThreshold)))
                            return $"Section '{section.Title}', row '{row.Label}', column '{section.Columns[c].Key}' shows a count that is negative, fractional, " +
                                "implausibly large or under the threshold.";
        return null;
    }

    /// <summary>Region ids name keys in configuration and files, so they are kept to a plain slug.</summary>
    public static bool IsRegionId(string? id) => id is not null && RegionIdPattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex RegionIdPattern();
}
