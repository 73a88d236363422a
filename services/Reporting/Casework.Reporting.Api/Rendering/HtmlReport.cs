using System.Globalization;
using System.Text;

namespace Casework.Reporting.Rendering;

/// <summary>
/// A self-contained HTML report a manager can send to a funder: CSS and SVG charts inline, no scripts, no
/// fonts, images, links or any URL, and a Content-Security-Policy that forbids fetching anything should a
/// mistake ever let one in. Every text is escaped (pathway and outcome names come from admins). Lays out on
/// A4 when printed: sections do not split across pages where they fit, table headers repeat.
/// </summary>
public static class HtmlReport
{
    private const string Css = """
        @page { size: A4; margin: 16mm 14mm; }
        * { box-sizing: border-box; }
        body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; color: #111; margin: 0 auto; max-width: 190mm; padding: 8mm 0; line-height: 1.35; }
        header { border-bottom: 2px solid #1b365d; margin-bottom: 6mm; }
        h1 { font-size: 18pt; margin: 0 0 2mm; color: #1b365d; }
        h2 { font-size: 13pt; margin: 6mm 0 2mm; color: #1b365d; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 4mm; margin: 0 0 4mm; }
        dl.meta dt { font-weight: bold; }
        dl.meta dd { margin: 0; }
        section { break-inside: avoid; page-break-inside: avoid; margin-bottom: 6mm; }
        figure { margin: 0 0 3mm; }
        svg { max-width: 100%; height: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 10pt; }
        thead { display: table-header-group; }
        th, td { border: 1px solid #999; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
        th { background: #e8edf3; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.hidden { font-style: italic; background: #f3f3f3; }
        tr.total td { font-weight: bold; border-top: 2px solid #333; }
        .note { font-size: 9pt; color: #333; }
        footer { border-top: 1px solid #999; margin-top: 8mm; padding-top: 2mm; }
        @media print { body { padding: 0; max-width: none; } th { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
        """;

    public static string Render(PublishedReport report)
    {
        var marker = report.SuppressionMarker;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        // No default-src: nothing may be fetched; inline styles only; no scripts at all.
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(Markup.Escape(report.Title)).Append("</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");

        sb.Append("<header>\n<h1>").Append(Markup.Escape(report.Title)).Append("</h1>\n<dl class=\"meta\">");
        Meta(sb, "Region", report.Region);
        Meta(sb, "Period", $"{Date(report.Period.From)} to {Date(report.Period.To)}");
        Meta(sb, "Figures as of", report.AsOf.UtcDateTime.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture));
        sb.Append("</dl>\n<p class=\"note\">").Append(Markup.Escape(
            $"To protect the people we support, counts from 1 to {report.SuppressionThreshold - 1} are shown as {marker}. " +
            $"{Suppression.WithheldMarker} marks a figure withheld: a median, percentile, percentage or hours based on fewer than " +
            $"{report.SuppressionThreshold} people, or a larger count hidden so that a {marker} cannot be worked out from a total. " +
            "Hatched marks in charts stand for figures not shown and are not to scale. Durations are in days; medians and 90th " +
            "percentiles use the nearest-rank method."))
            .Append("</p>\n</header>\n<main>\n");

        for (var i = 0; i < report.Sections.Count; i++)
            Section(sb, report.Sections[i], report.SuppressionThreshold, $"s{i + 1}");

        sb.Append("</main>\n<footer class=\"note\">").Append(Markup.Escape(
            $"{report.Title} · {report.Region} · {Date(report.Period.From)} to {Date(report.Period.To)} · {marker} = 1 to {report.SuppressionThreshold - 1} · {Suppression.WithheldMarker} = withheld"))
            .Append("</footer>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static string Date(DateOnly date) => date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    private static void Meta(StringBuilder sb, string term, string value) =>
        sb.Append("<dt>").Append(Markup.Escape(term)).Append("</dt><dd>").Append(Markup.Escape(value)).Append("</dd>");

    private static void Section(StringBuilder sb, PublishedSection section, int threshold, string id)
    {
        sb.Append("<section aria-labelledby=\"").Append(id).Append("-h\">\n<h2 id=\"").Append(id).Append("-h\">")
          .Append(Markup.Escape(section.Title)).Append("</h2>\n");
        if (SvgChart.Render(section, threshold, id + "-chart") is { } svg)
            sb.Append("<figure>").Append(svg).Append("</figure>\n");

        sb.Append("<table>\n<thead><tr>");
        foreach (var column in section.Columns)
            sb.Append("<th scope=\"col\"").Append(column.IsNumeric ? " class=\"num\"" : "").Append('>')
              .Append(Markup.Escape(column.Title)).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in section.Rows)
        {
            sb.Append(row.IsTotal ? "<tr class=\"total\">" : "<tr>");
            for (var c = 0; c < section.Columns.Count; c++)
            {
                var column = section.Columns[c];
                var cell = row.Cells[c];
                var text = cell.Display(column.Kind, threshold);
                var classes = (column.IsNumeric ? "num" : "") + (cell.IsHidden ? " hidden" : "");
                // The row's first text cell names it for screen readers.
                var tag = c == 0 && column.Kind == ColumnKind.Text ? "th scope=\"row\"" : "td";
                sb.Append('<').Append(tag);
                if (classes.Trim().Length > 0) sb.Append(" class=\"").Append(classes.Trim()).Append('"');
                if (cell.State == CellState.Suppressed) sb.Append(CultureInfo.InvariantCulture, $" aria-label=\"suppressed: 1 to {threshold - 1}\"");
                if (cell.State == CellState.Withheld) sb.Append(" aria-label=\"withheld\"");
                sb.Append('>').Append(cell.State == CellState.None ? "—" : Markup.Escape(text)).Append("</").Append(tag[..2].TrimEnd()).Append('>');
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody>\n</table>\n</section>\n");
    }
}
