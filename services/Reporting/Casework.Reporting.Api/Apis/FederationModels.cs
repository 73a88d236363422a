using Casework.Reporting.Federation;
using Casework.Reporting.Rendering;

namespace Casework.Reporting.Apis;

/// <summary>The envelope a region downloads and the national instance receives (documentation of the body only: it is read as raw bytes).</summary>
public sealed record SignedRollupBody(string RegionId, string Algorithm, string Payload, string Signature);

/// <summary>status: ingested, alreadyIngested or replaced.</summary>
public sealed record IngestResult(string Status, IngestedRollupView Rollup)
{
    public static IngestResult Of(string status, IngestedRollup rollup) => new(status, IngestedRollupView.Of(rollup));
}

public sealed record IngestedRollupView(
    string RegionId, string From, string To, string ContentHash, DateTimeOffset GeneratedAt, DateTimeOffset AsOf,
    int SuppressionThreshold, DateTimeOffset IngestedAt, string IngestedBy, int Replaced)
{
    public static IngestedRollupView Of(IngestedRollup r) =>
        new(r.RegionId, r.From, r.To, r.ContentHash, r.GeneratedAt, r.AsOf, r.SuppressionThreshold, r.IngestedAt, r.IngestedBy, r.Replaced);
}

/// <summary>The combined report and the rollups it was combined from (region, freshness, when ingested).</summary>
public sealed record NationalReportView(
    string Title, string From, string To, DateTimeOffset AsOf, int SuppressionThreshold, IReadOnlyList<IngestedRollupView> Regions,
    IReadOnlyList<SectionView> Sections)
{
    public static NationalReportView Of(PublishedReport report, IReadOnlyList<IngestedRollupView> regions) => new(
        report.Title, IngestedRollup.Date(report.Period.From), IngestedRollup.Date(report.Period.To), report.AsOf, report.SuppressionThreshold,
        regions,
        report.Sections.Select(s => new SectionView(
            s.Title,
            s.Columns.Select(c => c.Title).ToList(),
            s.Rows.Select(r => new RowView(r.Cells.Select((cell, i) => cell.Display(s.Columns[i].Kind, report.SuppressionThreshold)).ToList(), r.IsTotal)).ToList()))
            .ToList());
}

/// <summary>A section as displayed: column titles and each row's cells as every renderer shows them ("&lt;5", "*", "13 to 16").</summary>
public sealed record SectionView(string Title, IReadOnlyList<string> Columns, IReadOnlyList<RowView> Rows);

public sealed record RowView(IReadOnlyList<string> Cells, bool IsTotal);
