using System.Globalization;
using System.Text;

namespace Casework.Reporting.Rendering;

/// <summary>
/// Inline SVG charts for a published section: horizontal bars, stacked horizontal bars, or lines for trends.
/// Values are drawn to scale; a suppressed cell (or a national range) is never drawn to scale: it is a hatched,
/// fixed-size marker labelled with its text ("&lt;5"), so neither its length nor the stack after it tells the
/// hidden number. The palette alternates dark and light fills and lines also differ by dash pattern, so a
/// greyscale print still tells series apart. Every shape has a &lt;title&gt; for screen readers and tooltips.
/// </summary>
public static class SvgChart
{
    /// <summary>Fill colours ordered so neighbours differ in lightness (dark navy, light amber, mid teal, pale blue, rust).</summary>
    internal static readonly string[] Palette = ["#1b365d", "#f2c14e", "#3f8f8b", "#c5d8ee", "#9c4a1a", "#d9d9d9"];
    private static readonly string[] Dashes = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"];

    private const int Width = 640;
    private const int LabelWidth = 190;
    private const int PlotWidth = 360;
    private const int RowHeight = 26;
    private const int Top = 12;
    private const int MarkerWidth = 34;

    /// <summary>
    /// The chart for a section, or null when it has no chart hint or nothing to chart. <paramref name="idPrefix"/>
    /// keeps element ids unique when several charts share one HTML page. <paramref name="standalone"/> adds the
    /// SVG namespace, needed for a .svg file but not inside HTML (which then holds no URL at all).
    /// </summary>
    public static string? Render(PublishedSection section, int threshold, string idPrefix = "chart", bool standalone = false)
    {
        if (section.Chart is not { } hint) return null;
        var series = hint.SeriesColumns
            .Select(key => (Key: key, Index: section.ColumnIndex(key)))
            .Where(s => s.Index >= 0 && section.Columns[s.Index].IsNumeric)
            .Select(s => (Column: section.Columns[s.Index], s.Index))
            .ToList();
        // Total rows would dwarf the parts in a chart; the table shows them.
        var rows = section.Rows.Where(r => !r.IsTotal).ToList();
        if (series.Count == 0 || rows.Count == 0) return null;

        var id = Slug(idPrefix);
        var svg = new Svg(id, threshold, section.Title);
        return hint.Kind switch
        {
            ChartKind.Line => svg.Line(rows, series, standalone),
            ChartKind.StackedBar => svg.Bars(rows, series, stacked: true, standalone),
            _ => svg.Bars(rows, series, stacked: false, standalone),
        };
    }

    private static string Slug(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s) sb.Append(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' ? c : '-');
        return sb.Length == 0 || !char.IsLetter(sb[0]) ? "c" + sb : sb.ToString();
    }

    private static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>
    /// The axis maximum: four gridline steps of 1, 2 or 5 × 10^k reaching the largest value, so gridlines fall on
    /// round numbers (a chart of hidden or zero values only gets 0..4).
    /// </summary>
    public static double NiceMax(double max)
    {
        var rough = Math.Max(max, 0) / 4;
        if (rough <= 0) return 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        foreach (var step in new[] { 1d, 2d, 5d, 10d })
            if (step * magnitude >= rough) return 4 * step * magnitude;
        return 40 * magnitude;
    }

    private sealed class Svg(string id, int threshold, string title)
    {
        private readonly StringBuilder _sb = new();

        private string Text(PublishedCell cell, Column column) => cell.Display(column.Kind, threshold);

        private void Open(int height, bool standalone, string description)
        {
            _sb.Append("<svg ");
            if (standalone) _sb.Append("xmlns=\"http://www.w3.org/2000/svg\" ");
            _sb.Append(CultureInfo.InvariantCulture, $"viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\" role=\"img\" ");
            _sb.Append(CultureInfo.InvariantCulture, $"aria-labelledby=\"{id}-title {id}-desc\" font-family=\"Arial, Helvetica, sans-serif\" font-size=\"12\">");
            _sb.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Markup.Escape(title)}</title>");
            _sb.Append(CultureInfo.InvariantCulture, $"<desc id=\"{id}-desc\">{Markup.Escape(description)}</desc>");
            _sb.Append(CultureInfo.InvariantCulture,
                $"<defs><pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">" +
                $"<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#555555\" stroke-width=\"2\"/></pattern></defs>");
        }

        private string Close()
        {
            _sb.Append("</svg>");
            return _sb.ToString();
        }

        private string HiddenNote => $"Hatched marks are figures not shown exactly ({Suppression.MarkerFor(threshold)} means 1 to {threshold - 1}, {Suppression.WithheldMarker} withheld) and are not drawn to scale.";

        /// <summary>A fixed-size hatched marker with its text: stands in for a value that must not be drawn.</summary>
        private void Marker(double x, double y, double height, string label, string tooltip)
        {
            _sb.Append(CultureInfo.InvariantCulture,
                $"<g><title>{Markup.Escape(tooltip)}</title><rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{MarkerWidth}\" height=\"{N(height)}\" fill=\"url(#{id}-hatch)\" stroke=\"#555555\" stroke-dasharray=\"3 2\"/>" +
                $"<text x=\"{N(x + MarkerWidth + 4)}\" y=\"{N(y + height / 2 + 4)}\">{Markup.Escape(label)}</text></g>");
        }

        private void Legend(IReadOnlyList<(Column Column, int Index)> series, double y, bool lines)
        {
            var x = (double)LabelWidth;
            for (var s = 0; s < series.Count; s++)
            {
                var name = series[s].Column.Title;
                _sb.Append("<g>");
                if (lines)
                    _sb.Append(CultureInfo.InvariantCulture,
                        $"<line x1=\"{N(x)}\" y1=\"{N(y + 5)}\" x2=\"{N(x + 18)}\" y2=\"{N(y + 5)}\" stroke=\"{Palette[s % Palette.Length]}\" stroke-width=\"2\" stroke-dasharray=\"{Dashes[s % Dashes.Length]}\"/>");
                else
                    _sb.Append(CultureInfo.InvariantCulture,
                        $"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"12\" height=\"12\" fill=\"{Palette[s % Palette.Length]}\" stroke=\"#333333\" stroke-width=\"0.5\"/>");
                _sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x + 22)}\" y=\"{N(y + 10)}\">{Markup.Escape(Shorten(name, 24))}</text></g>");
                x += 30 + Math.Min(name.Length, 24) * 6.5;
            }
        }

        private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

        private void Axis(double maxValue, double x0, double y0, double length, bool horizontal, double crossLength)
        {
            for (var i = 0; i <= 4; i++)
            {
                var value = maxValue * i / 4;
                var p = length * i / 4;
                if (horizontal)
                    _sb.Append(CultureInfo.InvariantCulture,
                        $"<line x1=\"{N(x0 + p)}\" y1=\"{N(y0)}\" x2=\"{N(x0 + p)}\" y2=\"{N(y0 + crossLength)}\" stroke=\"#cccccc\" stroke-width=\"0.5\"/>" +
                        $"<text x=\"{N(x0 + p)}\" y=\"{N(y0 + crossLength + 14)}\" text-anchor=\"middle\" fill=\"#333333\">{N(value)}</text>");
                else
                    _sb.Append(CultureInfo.InvariantCulture,
                        $"<line x1=\"{N(x0)}\" y1=\"{N(y0 - p)}\" x2=\"{N(x0 + crossLength)}\" y2=\"{N(y0 - p)}\" stroke=\"#cccccc\" stroke-width=\"0.5\"/>" +
                        $"<text x=\"{N(x0 - 6)}\" y=\"{N(y0 - p + 4)}\" text-anchor=\"end\" fill=\"#333333\">{N(value)}</text>");
            }
        }

        public string Bars(IReadOnlyList<PublishedRow> rows, IReadOnlyList<(Column Column, int Index)> series, bool stacked, bool standalone)
        {
            // One band per row; unstacked bars of several series share the band.
            var barsPerRow = stacked ? 1 : series.Count;
            var band = Math.Max(RowHeight, barsPerRow * 16 + 8);
            var plotHeight = rows.Count * band;
            var height = Top + plotHeight + 24 + (series.Count > 1 ? 22 : 0) + 20;
            var visible = rows.Select(r => stacked
                ? series.Sum(s => r.Cells[s.Index] is { State: CellState.Value } c ? (double)c.Value!.Value : 0)
                : series.Max(s => r.Cells[s.Index] is { State: CellState.Value } c ? (double)c.Value!.Value : 0));
            var max = NiceMax(visible.DefaultIfEmpty(0).Max());
            var scale = PlotWidth / max;

            Open(height, standalone, $"{(stacked ? "Stacked bar" : "Bar")} chart of {string.Join(", ", series.Select(s => s.Column.Title))} by {rows.Count} categories. {HiddenNote}");
            Axis(max, LabelWidth, Top, PlotWidth, horizontal: true, plotHeight);

            for (var r = 0; r < rows.Count; r++)
            {
                var row = rows[r];
                var y = Top + r * band;
                _sb.Append(CultureInfo.InvariantCulture,
                    $"<text x=\"{LabelWidth - 6}\" y=\"{N(y + band / 2.0 + 4)}\" text-anchor=\"end\"><title>{Markup.Escape(row.Label)}</title>{Markup.Escape(Shorten(row.Label, 28))}</text>");
                if (stacked)
                {
                    var x = (double)LabelWidth;
                    var barY = y + 4;
                    var barHeight = band - 8;
                    var hidden = new List<(string Text, string Series)>();
                    for (var s = 0; s < series.Count; s++)
                    {
                        var cell = row.Cells[series[s].Index];
                        var text = Text(cell, series[s].Column);
                        if (cell.State != CellState.Value) { if (cell.State != CellState.None) hidden.Add((text, series[s].Column.Title)); continue; }
                        var w = (double)cell.Value!.Value * scale;
                        _sb.Append(CultureInfo.InvariantCulture,
                            $"<g><title>{Markup.Escape($"{row.Label}, {series[s].Column.Title}: {text}")}</title><rect x=\"{N(x)}\" y=\"{N(barY)}\" width=\"{N(w)}\" height=\"{N(barHeight)}\" fill=\"{Palette[s % Palette.Length]}\" stroke=\"#ffffff\" stroke-width=\"1\"/>");
                        if (w >= 26)
                            _sb.Append(CultureInfo.InvariantCulture,
                                $"<text x=\"{N(x + w / 2)}\" y=\"{N(barY + barHeight / 2 + 4)}\" text-anchor=\"middle\" fill=\"{(s % 2 == 0 ? "#ffffff" : "#000000")}\">{Markup.Escape(text)}</text>");
                        _sb.Append("</g>");
                        x += w;
                    }
                    // Suppressed parts go after the bar, not inside it: their position would otherwise tell their size.
                    foreach (var (text, name) in hidden)
                    {
                        Marker(x + 4, barY, barHeight, text, $"{row.Label}, {name}: {text} (not shown, not to scale)");
                        x += MarkerWidth + 8 + text.Length * 7;
                    }
                }
                else
                {
                    for (var s = 0; s < series.Count; s++)
                    {
                        var cell = row.Cells[series[s].Index];
                        var text = Text(cell, series[s].Column);
                        var barY = y + 4 + s * 16;
                        if (cell.State == CellState.None) continue;
                        if (cell.State != CellState.Value)
                        {
                            Marker(LabelWidth, barY, 12, text, $"{row.Label}, {series[s].Column.Title}: {text} (not shown, not to scale)");
                            continue;
                        }
                        var w = Math.Max(0, (double)cell.Value!.Value * scale);
                        _sb.Append(CultureInfo.InvariantCulture,
                            $"<g><title>{Markup.Escape($"{row.Label}, {series[s].Column.Title}: {text}")}</title><rect x=\"{LabelWidth}\" y=\"{N(barY)}\" width=\"{N(w)}\" height=\"12\" fill=\"{Palette[s % Palette.Length]}\" stroke=\"#333333\" stroke-width=\"0.5\"/>" +
                            $"<text x=\"{N(LabelWidth + w + 4)}\" y=\"{N(barY + 10)}\">{Markup.Escape(text)}</text></g>");
                    }
                }
            }
            _sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{LabelWidth}\" y1=\"{Top}\" x2=\"{LabelWidth}\" y2=\"{Top + plotHeight}\" stroke=\"#333333\"/>");
            if (series.Count > 1) Legend(series, Top + plotHeight + 24, lines: false);
            return Close();
        }

        public string Line(IReadOnlyList<PublishedRow> rows, IReadOnlyList<(Column Column, int Index)> series, bool standalone)
        {
            const int left = 60, plotHeight = 200;
            const double plotWidth = Width - left - 30;
            var height = Top + plotHeight + 40 + 22 + 20;
            var baseline = Top + plotHeight;
            var values = rows.SelectMany(r => series.Select(s => r.Cells[s.Index])).Where(c => c.State == CellState.Value).Select(c => (double)c.Value!.Value);
            var max = NiceMax(values.DefaultIfEmpty(0).Max());
            double X(int i) => left + (rows.Count == 1 ? plotWidth / 2 : plotWidth * i / (rows.Count - 1));
            double Y(double v) => baseline - v / max * plotHeight;

            Open(height, standalone, $"Line chart of {string.Join(", ", series.Select(s => s.Column.Title))} over {rows.Count} points. {HiddenNote}");
            Axis(max, left, baseline, plotHeight, horizontal: false, plotWidth);
            _sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{baseline}\" x2=\"{N(left + plotWidth)}\" y2=\"{baseline}\" stroke=\"#333333\"/>");
            var labelEvery = Math.Max(1, (int)Math.Ceiling(rows.Count / 12.0));
            for (var i = 0; i < rows.Count; i++)
                if (i % labelEvery == 0)
                    _sb.Append(CultureInfo.InvariantCulture,
                        $"<text x=\"{N(X(i))}\" y=\"{baseline + 16}\" text-anchor=\"middle\"><title>{Markup.Escape(rows[i].Label)}</title>{Markup.Escape(Shorten(rows[i].Label, 12))}</text>");

            for (var s = 0; s < series.Count; s++)
            {
                var colour = Palette[s % Palette.Length];
                // A suppressed point breaks the line: joining its neighbours would hint at its value.
                var segment = new List<string>();
                void Flush()
                {
                    if (segment.Count > 1)
                        _sb.Append(CultureInfo.InvariantCulture,
                            $"<polyline points=\"{string.Join(" ", segment)}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{Dashes[s % Dashes.Length]}\"/>");
                    segment.Clear();
                }
                for (var i = 0; i < rows.Count; i++)
                {
                    var cell = rows[i].Cells[series[s].Index];
                    var text = Text(cell, series[s].Column);
                    var tooltip = $"{rows[i].Label}, {series[s].Column.Title}: {text}";
                    if (cell.State == CellState.Value)
                    {
                        var (x, y) = (X(i), Y((double)cell.Value!.Value));
                        segment.Add($"{N(x)},{N(y)}");
                        _sb.Append(CultureInfo.InvariantCulture,
                            $"<g><title>{Markup.Escape(tooltip)}</title><circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"3.5\" fill=\"{colour}\" stroke=\"#333333\" stroke-width=\"0.5\"/>" +
                            $"<text x=\"{N(x)}\" y=\"{N(y - 7)}\" text-anchor=\"middle\" font-size=\"10\">{Markup.Escape(text)}</text></g>");
                    }
                    else
                    {
                        Flush();
                        if (cell.State != CellState.None)
                            _sb.Append(CultureInfo.InvariantCulture,
                                $"<g><title>{Markup.Escape(tooltip + " (not shown, not to scale)")}</title><rect x=\"{N(X(i) - 5)}\" y=\"{N(baseline - 12 - s * 14)}\" width=\"10\" height=\"10\" fill=\"url(#{id}-hatch)\" stroke=\"#555555\"/>" +
                                $"<text x=\"{N(X(i) + 8)}\" y=\"{N(baseline - 3 - s * 14)}\" font-size=\"10\">{Markup.Escape(text)}</text></g>");
                    }
                }
                Flush();
            }
            Legend(series, Top + plotHeight + 40, lines: true);
            return Close();
        }
    }
}
