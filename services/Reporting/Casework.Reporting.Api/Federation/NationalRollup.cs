using System.Globalization;
using Casework.Reporting.Rendering;

namespace Casework.Reporting.Federation;

/// <summary>
/// Combines verified regional rollups of one period into a national published report, from published figures
/// only, so it can reveal nothing the regions' rollups did not already publish and needs no suppression of its own.
/// <list type="bullet">
/// <item>Count columns are summed per row (rows matched by label, total rows with total rows). A region's "&lt;t"
/// is some number from 1 to t-1, so a sum with suppressed parts is shown as a range ("13 to 16"): lower bound
/// with each hidden part at 1, upper bound at t-1. A withheld count ("*", a complement) is at least t, since only
/// counts of t or more are withheld, and has no known upper bound: a sum with one is "at least N". A sum with no
/// hidden part is a plain value. A row a region does not have counts as 0 there.</item>
/// <item>Medians, percentiles, percentages and hours cannot be combined from published figures (a median of
/// medians is not a median, and hidden parts are unknown), so they are left out of the combined section and
/// shown region by region in a "… by region" section, as each region published them.</item>
/// <item>A first section lists the regions included and how fresh each one's figures are; the national asOf is
/// the oldest of them.</item>
/// </list>
/// All rollups must cover the same period and use the same suppression threshold (a national policy), so
/// every "&lt;t" means the same thing.
/// </summary>
public static class NationalRollup
{
    public const string NationalRegion = "national";

    public static PublishedReport Combine(IReadOnlyCollection<RegionalRollup> rollups, string title)
    {
        if (rollups.Count == 0) throw new ArgumentException("Nothing to combine.", nameof(rollups));
        var first = rollups.First();
        if (rollups.Any(r => r.Period != first.Period))
            throw new ArgumentException("Rollups of different periods cannot be combined.", nameof(rollups));
        if (rollups.Any(r => r.Report.SuppressionThreshold != first.Report.SuppressionThreshold))
            throw new ArgumentException("Rollups with different suppression thresholds cannot be combined.", nameof(rollups));
        if (rollups.Select(r => r.RegionId).Distinct().Count() != rollups.Count)
            throw new ArgumentException("A region appears more than once.", nameof(rollups));

        foreach (var rollup in rollups)
            foreach (var section in rollup.Report.Sections)
                if (section.Rows.GroupBy(r => (r.Key, r.IsTotal)).FirstOrDefault(g => g.Count() > 1) is { } repeated)
                    throw new ArgumentException(
                        $"Region '{rollup.RegionId}', section '{section.Title}': row '{repeated.Key.Key.Replace('\u001f', '/')}' appears twice, so rows cannot be matched.",
                        nameof(rollups));

        var threshold = first.Report.SuppressionThreshold;
        var ordered = rollups.OrderBy(r => r.RegionId, StringComparer.Ordinal).ToList();
        var sections = new List<PublishedSection> { RegionsIncluded(ordered) };

        // Sections are matched by title, in the order they first appear.
        var titles = ordered.SelectMany(r => r.Report.Sections.Select(s => s.Title)).Distinct().ToList();
        foreach (var sectionTitle in titles)
        {
            var parts = ordered
                .SelectMany(r => r.Report.Sections.Where(s => s.Title == sectionTitle).Take(1).Select(s => (Region: r.RegionId, Section: s)))
                .ToList();
            var columns = UnionColumns(parts.Select(p => p.Section), sectionTitle);
            if (columns.Any(c => c.Kind == ColumnKind.Count))
                sections.Add(SumCounts(sectionTitle, columns, parts.Select(p => p.Section).ToList(), threshold));
            if (columns.Any(c => c.Kind is ColumnKind.Days or ColumnKind.Hours or ColumnKind.Percent))
                sections.Add(ByRegion(sectionTitle, columns, parts));
        }

        return new PublishedReport(title, first.Period, ordered.Min(r => r.Report.AsOf), NationalRegion, threshold, sections);
    }

    private static PublishedSection RegionsIncluded(IReadOnlyList<RegionalRollup> rollups) => new(
        "Regions included",
        [new Column("region", "Region", ColumnKind.Text), new Column("asOf", "Figures as of (UTC)", ColumnKind.Text)],
        rollups.Select(r => new PublishedRow([
            PublishedCell.OfText(r.RegionId),
            PublishedCell.OfText(r.Report.AsOf.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
        ])).ToList());

    private static List<Column> UnionColumns(IEnumerable<PublishedSection> sections, string title)
    {
        var columns = new List<Column>();
        foreach (var column in sections.SelectMany(s => s.Columns))
        {
            var known = columns.FirstOrDefault(c => c.Key == column.Key);
            if (known is null) columns.Add(column);
            else if (known.Kind != column.Kind || known.IsTotal != column.IsTotal)
                throw new ArgumentException($"Section '{title}': column '{column.Key}' differs between regions.");
        }
        return columns;
    }

    private static PublishedSection SumCounts(string title, IReadOnlyList<Column> allColumns, IReadOnlyList<PublishedSection> sections, int threshold)
    {
        var columns = allColumns.Where(c => c.Kind is ColumnKind.Text or ColumnKind.Count).ToList();
        var keys = RowKeys(sections);
        var textColumns = columns.Where(c => c.Kind == ColumnKind.Text).Select(c => c.Key).ToList();
        var rows = keys.Select(key =>
        {
            // A row is matched by all its text cells (pathway and outcome), and shows them all.
            var labels = key.Key.Split('\u001f');
            var cells = columns.Select(column =>
            {
                if (column.Kind == ColumnKind.Text)
                    return textColumns.IndexOf(column.Key) is var t && t < labels.Length ? PublishedCell.OfText(labels[t]) : PublishedCell.None;
                long low = 0;
                long? high = 0;
                var any = false;
                foreach (var section in sections)
                {
                    var index = section.ColumnIndex(column.Key);
                    var row = section.Rows.FirstOrDefault(r => r.IsTotal == key.IsTotal && r.Key == key.Key);
                    if (index < 0 || row is null) continue;
                    var cell = row.Cells[index];
                    switch (cell.State)
                    {
                        case CellState.Value: low += (long)cell.Value!.Value; high += (long)cell.Value!.Value; any = true; break;
                        case CellState.Suppressed: low += 1; high += threshold - 1; any = true; break;
                        case CellState.Withheld: low += threshold; high = null; any = true; break;
                        case CellState.Range: low += cell.Low!.Value; high += cell.High; any = true; break;
                    }
                }
                return any ? PublishedCell.OfRange(low, high) : PublishedCell.None;
            }).ToList();
            return new PublishedRow(cells, key.IsTotal);
        }).ToList();

        var chart = sections.Select(s => s.Chart).FirstOrDefault(c => c is not null);
        if (chart is not null && chart.SeriesColumns.Any(k => columns.All(c => c.Key != k))) chart = null;
        return new PublishedSection(title, columns, rows, chart);
    }

    private static PublishedSection ByRegion(string title, IReadOnlyList<Column> allColumns, IReadOnlyList<(string Region, PublishedSection Section)> parts)
    {
        var label = allColumns.FirstOrDefault(c => c.Kind == ColumnKind.Text);
        var derived = allColumns.Where(c => c.Kind is ColumnKind.Days or ColumnKind.Hours or ColumnKind.Percent).ToList();
        List<Column> columns = [new Column("region", "Region", ColumnKind.Text), .. label is null ? [] : new[] { label }, .. derived];
        var rows = new List<PublishedRow>();
        foreach (var (region, section) in parts)
            foreach (var row in section.Rows)
            {
                var cells = new List<PublishedCell> { PublishedCell.OfText(region) };
                if (label is not null) cells.Add(PublishedCell.OfText(row.Label));
                cells.AddRange(derived.Select(c => section.ColumnIndex(c.Key) is var i and >= 0 ? row.Cells[i] : PublishedCell.None));
                rows.Add(new PublishedRow(cells));
            }
        return new PublishedSection($"{title} by region", columns, rows);
    }

    private static List<(string Key, bool IsTotal)> RowKeys(IEnumerable<PublishedSection> sections)
    {
        // Parts first in order of appearance, the total row last.
        var keys = sections.SelectMany(s => s.Rows.Select(r => (r.Key, r.IsTotal))).Distinct().ToList();
        return [.. keys.Where(k => !k.IsTotal), .. keys.Where(k => k.IsTotal)];
    }
}
