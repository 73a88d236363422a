using System.Globalization;

namespace Casework.Reporting.Rendering;

/// <summary>
/// Small-number suppression, applied once to turn a <see cref="Report"/> into a <see cref="PublishedReport"/>.
/// <list type="bullet">
/// <item>Primary: a count from 1 to threshold-1 is shown as "&lt;threshold". Zero stays 0: "nobody" identifies
/// no one, and hiding zeros too would hide most of a small charity's table and make the marker ambiguous
/// (readers know "&lt;5" means 1 to 4).</item>
/// <item>Everything else hidden is "withheld" and shown as "*" (see <see cref="CellState.Withheld"/>).</item>
/// <item>Derived figures (median and 90th percentile days, hours) computed from fewer than threshold cases or
/// people are suppressed; a percentage is suppressed when its whole is under the threshold or its part is a
/// suppressed count (part × whole / 100 would give the count back).</item>
/// <item>Secondary (complementary): wherever a total column or total row states that cells add up, exactly one
/// hidden cell in that sum could be recovered by subtraction, so the next smallest non-zero visible cell of the
/// same sum is hidden too (parts before the total); so is one when every hidden part of a shown sum is a small count
/// (their known sum could pin them, e.g. two "&lt;5" adding up to 8). Rows and columns are checked in turn until nothing changes.
/// A percentage in a row where a count was hidden this way is hidden as well. Hours add up like counts, so a total row's
/// sum covers hours columns too: hours withheld for being based on too few cases are a hidden cell of that sum (days and
/// percentages do not add up and are left out).</item>
/// <item>A figure in a count column is a count of things about <see cref="FigureCell.BasedOn"/> cases (notes of a type):
/// shown as a whole number only when those cases reach the threshold, else withheld and protected like hours.</item>
/// </list>
/// Limits: it only audits the sums a section declares (one total column, one total row). It does not stop
/// differencing across sections, reports or periods (e.g. an "overall" section that repeats the sum of a
/// per-pathway section without a total row, or two reports one day apart): build one table with a total
/// row instead of two sections, and keep periods fixed. Zeros are not protected, so a row where everyone
/// shares an attribute (group disclosure) is visible. Hidden cells whose sum is known are bounded (e.g. "at
/// least 5" for a withheld cell), not hidden entirely.
/// </summary>
public sealed class Suppression
{
    public const int DefaultThreshold = 5;

    public Suppression(int threshold = DefaultThreshold)
    {
        // A threshold of 1 would publish every count: refuse it rather than silently identify people.
        if (threshold < 2) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The small-number threshold is at least 2.");
        Threshold = threshold;
    }

    public int Threshold { get; }

    public string Marker => MarkerFor(Threshold);

    /// <summary>Shown for a withheld cell: a complement of a suppressed count, or a figure based on too few people.</summary>
    public const string WithheldMarker = "*";

    public static string MarkerFor(int threshold) => string.Create(CultureInfo.InvariantCulture, $"<{threshold}");

    /// <summary>Whether a count is small enough to identify someone (zero is not: see the class comment).</summary>
    public bool Hides(long count) => count > 0 && count < Threshold;

    /// <summary>Whether a figure derived from <paramref name="basedOn"/> cases may be shown.</summary>
    public bool Allows(long basedOn) => basedOn >= Threshold;

    public PublishedReport Publish(Report report) =>
        new(report.Title, report.Period, report.AsOf, report.Region, Threshold, report.Sections.Select(Publish).ToList());

    public PublishedSection Publish(ReportSection section)
    {
        Validate(section);
        var rows = section.Rows;
        var columns = section.Columns;
        var hidden = new bool[rows.Count, columns.Count];
        var primary = new bool[rows.Count, columns.Count];
        var secondary = new bool[rows.Count];

        for (var r = 0; r < rows.Count; r++)
            for (var c = 0; c < columns.Count; c++)
            {
                primary[r, c] = rows[r].Cells[c] switch
                {
                    CountCell n => Hides(n.Value),
                    // A count column's figure is a count of things (notes) about BasedOn cases: small is small.
                    FigureCell f when columns[c].Kind == ColumnKind.Count => Allows(f.BasedOn) && Hides((long)f.Value),
                    _ => false,
                };
                // A withheld additive figure is a hidden cell of its column's sum (total - visible parts would give it back).
                hidden[r, c] = primary[r, c] || (IsAdditive(columns[c]) && rows[r].Cells[c] is FigureCell { BasedOn: > 0 } w && !Allows(w.BasedOn));
            }

        HideComplements(section, hidden, primary, secondary);

        var published = new List<PublishedRow>(rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = new PublishedCell[columns.Count];
            for (var c = 0; c < columns.Count; c++)
                cells[c] = primary[r, c] ? PublishedCell.Suppressed
                    : hidden[r, c] ? PublishedCell.Withheld
                    : PublishCell(rows[r].Cells[c], secondary[r]);
            published.Add(new PublishedRow(cells, rows[r].IsTotal));
        }
        return new PublishedSection(section.Title, columns, published, section.Chart);
    }

    private PublishedCell PublishCell(Cell cell, bool rowHadSecondarySuppression) => cell switch
    {
        TextCell t => PublishedCell.OfText(t.Text),
        CountCell n => PublishedCell.OfValue(n.Value),
        FigureCell { BasedOn: 0 } => PublishedCell.None,
        FigureCell f => Allows(f.BasedOn) ? PublishedCell.OfValue(Round(f.Value)) : PublishedCell.Withheld,
        PercentCell { Whole: 0 } => PublishedCell.None,
        PercentCell p => !Allows(p.Whole) || Hides(p.Part) || rowHadSecondarySuppression
            ? PublishedCell.Withheld
            : PublishedCell.OfValue(Round(100m * p.Part / p.Whole)),
        _ => PublishedCell.None,
    };

    /// <summary>Derived figures are published to one decimal place: more would not be meaningful and would differ by platform.</summary>
    private static decimal Round(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);

    private void HideComplements(ReportSection section, bool[,] hidden, bool[,] primary, bool[] secondary)
    {
        var rows = section.Rows;
        var countColumns = Enumerable.Range(0, section.Columns.Count).Where(c => section.Columns[c].Kind == ColumnKind.Count).ToList();
        // The total row sums every additive column (counts and hours); the total column only the counts.
        var additiveColumns = Enumerable.Range(0, section.Columns.Count).Where(c => IsAdditive(section.Columns[c])).ToList();
        var totalColumn = countColumns.Cast<int?>().FirstOrDefault(c => section.Columns[c!.Value].IsTotal);
        var totalRow = Enumerable.Range(0, rows.Count).Cast<int?>().FirstOrDefault(r => rows[r!.Value].IsTotal);

        decimal CountAt(int r, int c) => rows[r].Cells[c] switch
        {
            CountCell n => n.Value,
            FigureCell f => f.Value,
            _ => 0,
        };

        // One equation "parts = total": hide one more cell (the smallest non-zero visible part, else the total) when
        // - exactly one of its cells is hidden (subtraction gives it back), or
        // - the total shows and the hidden parts are all small counts whose known sum pins them: k cells of 1 to threshold-1
        //   adding up to k (all 1) or to k × (threshold-1) (two "<5" that must add up to 8 are both 4). A hidden part of
        //   threshold or more (withheld, no upper bound of its own) leaves every small one undetermined.
        // Returns whether anything changed.
        bool Protect(IReadOnlyList<(int R, int C)> parts, (int R, int C) total)
        {
            var all = parts.Append(total).ToList();
            var hiddenCount = all.Count(p => hidden[p.R, p.C]);
            var hiddenParts = parts.Where(p => hidden[p.R, p.C]).ToList();
            var hiddenSum = hiddenParts.Sum(p => CountAt(p.R, p.C));
            var pinned = hiddenParts.Count > 1 && !hidden[total.R, total.C] && hiddenParts.All(p => primary[p.R, p.C])
                && (hiddenSum == hiddenParts.Count || hiddenSum == hiddenParts.Count * (Threshold - 1L));
            if (hiddenCount != 1 && !pinned) return false;
            var candidate = parts
                .Where(p => !hidden[p.R, p.C] && CountAt(p.R, p.C) > 0)
                .OrderBy(p => CountAt(p.R, p.C))
                .Cast<(int R, int C)?>()
                .FirstOrDefault();
            if (candidate is null && (hidden[total.R, total.C] || CountAt(total.R, total.C) == 0)) return false;
            var (r, c) = candidate ?? total;
            hidden[r, c] = true;
            // Only a hidden count makes a row's percentages (part of a count) recoverable.
            if (section.Columns[c].Kind == ColumnKind.Count) secondary[r] = true;
            return true;
        }

        // Each round hides at least one more cell or stops, so this ends within rows × columns rounds.
        for (var changed = true; changed;)
        {
            changed = false;
            if (totalColumn is int tc)
                for (var r = 0; r < rows.Count; r++)
                    changed |= Protect(countColumns.Where(c => c != tc).Select(c => (r, c)).ToList(), (r, tc));
            if (totalRow is int tr)
                foreach (var c in additiveColumns)
                    changed |= Protect(Enumerable.Range(0, rows.Count).Where(r => r != tr).Select(r => (r, c)).ToList(), (tr, c));
        }
    }

    /// <summary>
    /// Columns whose cells add up to the total row: counts and hours (a sum of minutes). Days are medians and percentiles,
    /// percentages are ratios: neither adds up, so neither is in a sum's equation.
    /// </summary>
    private static bool IsAdditive(Column column) => column.Kind is ColumnKind.Count or ColumnKind.Hours;

    private static void Validate(ReportSection section)
    {
        if (section.Columns.Count(c => c.IsTotal) > 1)
            throw new ArgumentException($"Section '{section.Title}' has more than one total column.", nameof(section));
        if (section.Columns.Any(c => c.IsTotal && c.Kind != ColumnKind.Count))
            throw new ArgumentException($"Section '{section.Title}': only a count column can be a total.", nameof(section));
        if (section.Rows.Count(r => r.IsTotal) > 1)
            throw new ArgumentException($"Section '{section.Title}' has more than one total row.", nameof(section));
        if (section.Columns.Select(c => c.Key).Distinct().Count() != section.Columns.Count)
            throw new ArgumentException($"Section '{section.Title}' repeats a column key.", nameof(section));
        foreach (var row in section.Rows)
        {
            if (row.Cells.Count != section.Columns.Count)
                throw new ArgumentException($"Section '{section.Title}': a row has {row.Cells.Count} cells for {section.Columns.Count} columns.", nameof(section));
            for (var c = 0; c < row.Cells.Count; c++)
            {
                var fits = (section.Columns[c].Kind, row.Cells[c]) switch
                {
                    (_, NoneCell) => true,
                    (ColumnKind.Text, TextCell) => true,
                    (ColumnKind.Count, CountCell) => true,
                    // A count of things (notes) shown only when they are about at least threshold cases (BasedOn): see SupportDelivered.
                    (ColumnKind.Count, FigureCell) => true,
                    (ColumnKind.Days or ColumnKind.Hours, FigureCell) => true,
                    (ColumnKind.Percent, PercentCell) => true,
                    _ => false,
                };
                if (!fits)
                    throw new ArgumentException($"Section '{section.Title}': column '{section.Columns[c].Key}' ({section.Columns[c].Kind}) cannot hold {row.Cells[c].GetType().Name}.", nameof(section));
            }
        }
    }
}
