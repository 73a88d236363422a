using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Casework.Reporting.Rendering;

/// <summary>
/// CSV export (RFC 4180): one file per section, because sections have different columns and RFC 4180 wants
/// the same fields on every line; <see cref="Zip"/> bundles a whole report (every section plus about.csv with
/// the title, region, period, freshness and what the suppression marker means).
/// <list type="bullet">
/// <item>Fields are quoted when they hold a comma, quote, CR or LF; quotes are doubled; lines end in CRLF.</item>
/// <item>UTF-8 with a byte-order mark: Excel on Windows opens a CSV without one in the local ANSI code page and
/// garbles names such as "Café" or "Zoë"; other tools (Python's utf-8-sig, R, LibreOffice) skip the mark.</item>
/// <item>Formula injection: a text field starting with =, +, -, @, tab or CR is prefixed with an apostrophe so a
/// spreadsheet shows it as text. Numbers in numeric columns are written by us, invariantly, and left alone,
/// so -3.5 stays -3.5.</item>
/// </list>
/// </summary>
public static class CsvExport
{
    public static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    /// <summary>The section as CSV bytes, starting with the UTF-8 byte-order mark.</summary>
    public static byte[] Section(PublishedSection section, int threshold)
    {
        var text = SectionText(section, threshold);
        return [.. Utf8WithBom.GetPreamble(), .. Utf8WithBom.GetBytes(text)];
    }

    /// <summary>The section as CSV text (no byte-order mark): a header of column titles, then one line per row.</summary>
    public static string SectionText(PublishedSection section, int threshold)
    {
        var sb = new StringBuilder();
        AppendLine(sb, section.Columns.Select(c => TextField(c.Title)));
        foreach (var row in section.Rows)
            AppendLine(sb, row.Cells.Select((cell, i) => Field(cell, section.Columns[i], threshold)));
        return sb.ToString();
    }

    /// <summary>Every section of the report as its own CSV in one zip, with about.csv describing the report.</summary>
    public static byte[] Zip(PublishedReport report)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            // The entries' time is the data's freshness, so the same report zips to the same bytes.
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            Add(zip, "about.csv", AboutText(report), report.AsOf);
            foreach (var (section, index) in report.Sections.Select((s, i) => (s, i + 1)))
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"{index:00}-{FileSlug(section.Title)}.csv");
                Add(zip, names.Add(name) ? name : $"{index:00}-section.csv", SectionText(section, report.SuppressionThreshold), report.AsOf);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>A file-name-safe lower-case slug of a title (letters and digits, dashes between words).</summary>
    public static string FileSlug(string title)
    {
        var sb = new StringBuilder();
        foreach (var c in title.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
            if (sb.Length >= 60) break;
        }
        var slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? "section" : slug;
    }

    private static string AboutText(PublishedReport report)
    {
        var sb = new StringBuilder();
        AppendLine(sb, ["Field", "Value"]);
        AppendLine(sb, ["Title", TextField(report.Title)]);
        AppendLine(sb, ["Region", TextField(report.Region)]);
        AppendLine(sb, ["From", report.Period.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)]);
        AppendLine(sb, ["To", report.Period.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)]);
        AppendLine(sb, ["Figures as of (UTC)", report.AsOf.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)]);
        AppendLine(sb, ["Suppression", TextField(string.Create(CultureInfo.InvariantCulture,
            $"{report.SuppressionMarker} means 1 to {report.SuppressionThreshold - 1}; {Suppression.WithheldMarker} means withheld (a figure based on fewer than {report.SuppressionThreshold} people, or a count hidden so a {report.SuppressionMarker} cannot be worked out); \"a to b\" and \"at least a\" are ranges"))]);
        return sb.ToString();
    }

    private static void Add(ZipArchive zip, string name, string text, DateTimeOffset time)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = time.ToUniversalTime() is var t && t.Year >= 1980 ? t : new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var stream = entry.Open();
        stream.Write(Utf8WithBom.GetPreamble());
        stream.Write(Utf8WithBom.GetBytes(text));
    }

    private static string Field(PublishedCell cell, Column column, int threshold) =>
        cell.State == CellState.Value && column.IsNumeric
            ? cell.Display(column.Kind, threshold)
            : TextField(cell.Display(column.Kind, threshold));

    /// <summary>Neutralises a leading formula character, then the field goes through RFC 4180 quoting in <see cref="AppendLine"/>.</summary>
    internal static string TextField(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static void AppendLine(StringBuilder sb, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first) sb.Append(',');
            first = false;
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
                sb.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
            else
                sb.Append(field);
        }
        sb.Append("\r\n");
    }
}
