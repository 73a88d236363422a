using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Casework.Reporting.Rendering;

namespace Casework.Reporting.Federation;

/// <summary>
/// The canonical JSON of a rollup: properties in a fixed order, no whitespace, numbers written invariantly with
/// no trailing zeros, times in UTC as ISO 8601 with seven fraction digits and "Z", dates as yyyy-MM-dd, and
/// everything outside printable ASCII escaped (\uXXXX). The same rollup gives the same bytes on any machine
/// and under any culture, so signatures and content hashes compare.
/// </summary>
public static class RollupJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    public static byte[] Canonical(RegionalRollup rollup) => Write(rollup, includeTimes: true);

    /// <summary>
    /// SHA-256 (hex) of the canonical bytes without generatedAt and asOf: a region that regenerates the same
    /// figures later sends the same content; different figures for the same period are a different content.
    /// </summary>
    public static string ContentHash(RegionalRollup rollup) => Convert.ToHexStringLower(SHA256.HashData(Write(rollup, includeTimes: false)));

    private static byte[] Write(RegionalRollup rollup, bool includeTimes)
    {
        var report = rollup.Report;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", rollup.SchemaVersion);
            w.WriteString("regionId", rollup.RegionId);
            w.WriteString("title", report.Title);
            w.WriteStartObject("period");
            w.WriteString("from", Date(report.Period.From));
            w.WriteString("to", Date(report.Period.To));
            w.WriteEndObject();
            if (includeTimes)
            {
                w.WriteString("generatedAt", Time(rollup.GeneratedAt));
                w.WriteString("asOf", Time(report.AsOf));
            }
            w.WriteNumber("suppressionThreshold", report.SuppressionThreshold);
            w.WriteStartArray("sections");
            foreach (var section in report.Sections) WriteSection(w, section);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteSection(Utf8JsonWriter w, PublishedSection section)
    {
        w.WriteStartObject();
        w.WriteString("title", section.Title);
        w.WriteStartArray("columns");
        foreach (var column in section.Columns)
        {
            w.WriteStartObject();
            w.WriteString("key", column.Key);
            w.WriteString("title", column.Title);
            w.WriteString("kind", KindName(column.Kind));
            w.WriteBoolean("isTotal", column.IsTotal);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (section.Chart is { } chart)
        {
            w.WriteStartObject("chart");
            w.WriteString("kind", chart.Kind switch { ChartKind.Bar => "bar", ChartKind.StackedBar => "stackedBar", _ => "line" });
            w.WriteStartArray("series");
            foreach (var key in chart.SeriesColumns) w.WriteStringValue(key);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("chart");
        }
        w.WriteStartArray("rows");
        foreach (var row in section.Rows)
        {
            w.WriteStartObject();
            w.WriteBoolean("isTotal", row.IsTotal);
            w.WriteStartArray("cells");
            foreach (var cell in row.Cells) WriteCell(w, cell);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Each cell is an object with exactly one property naming its state: text, value, suppressed, withheld, range or none.</summary>
    private static void WriteCell(Utf8JsonWriter w, PublishedCell cell)
    {
        w.WriteStartObject();
        switch (cell.State)
        {
            case CellState.Text: w.WriteString("text", cell.Text); break;
            case CellState.Value: w.WriteNumber("value", Normalise(cell.Value!.Value)); break;
            case CellState.Suppressed: w.WriteBoolean("suppressed", true); break;
            case CellState.Withheld: w.WriteBoolean("withheld", true); break;
            case CellState.Range:
                w.WriteStartArray("range");
                w.WriteNumberValue(cell.Low!.Value);
                if (cell.High is { } high) w.WriteNumberValue(high); else w.WriteNullValue();
                w.WriteEndArray();
                break;
            default: w.WriteBoolean("none", true); break;
        }
        w.WriteEndObject();
    }

    /// <summary>Reads only the schema version, so a verifier can reject a version it does not know before parsing the rest.</summary>
    public static int ReadSchemaVersion(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.TryGetProperty("schemaVersion", out var v) && v.TryGetInt32(out var version)
                ? version
                : throw new FormatException("The rollup has no schemaVersion.");
        }
        catch (JsonException e)
        {
            throw new FormatException("The rollup is not JSON.", e);
        }
        catch (InvalidOperationException e)
        {
            // A root that is not an object (an array, a number) has no properties to read.
            throw new FormatException("The rollup is not a JSON object.", e);
        }
    }

    /// <summary>Parses a rollup of the current schema version; any structural problem is a <see cref="FormatException"/>.</summary>
    public static RegionalRollup Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            var period = root.GetProperty("period");
            var sections = root.GetProperty("sections").EnumerateArray().Select(ReadSection).ToList();
            var report = new PublishedReport(
                root.GetProperty("title").GetString()!,
                ReportPeriod.Of(ParseDate(period.GetProperty("from")), ParseDate(period.GetProperty("to"))),
                ParseTime(root.GetProperty("asOf")),
                root.GetProperty("regionId").GetString()!,
                root.GetProperty("suppressionThreshold").GetInt32(),
                sections);
            return new RegionalRollup(root.GetProperty("schemaVersion").GetInt32(), report.Region, ParseTime(root.GetProperty("generatedAt")), report);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw new FormatException($"The rollup is malformed: {e.Message}", e);
        }
    }

    private static PublishedSection ReadSection(JsonElement s)
    {
        var columns = s.GetProperty("columns").EnumerateArray()
            .Select(c => new Column(c.GetProperty("key").GetString()!, c.GetProperty("title").GetString()!, ParseKind(c.GetProperty("kind").GetString()), c.GetProperty("isTotal").GetBoolean()))
            .ToList();
        var chartElement = s.GetProperty("chart");
        ChartHint? chart = chartElement.ValueKind == JsonValueKind.Null
            ? null
            : new ChartHint(
                chartElement.GetProperty("kind").GetString() switch
                {
                    "bar" => ChartKind.Bar,
                    "stackedBar" => ChartKind.StackedBar,
                    "line" => ChartKind.Line,
                    var k => throw new FormatException($"Unknown chart kind '{k}'."),
                },
                chartElement.GetProperty("series").EnumerateArray().Select(k => k.GetString()!).ToList());
        var rows = s.GetProperty("rows").EnumerateArray().Select(r =>
        {
            var cells = r.GetProperty("cells").EnumerateArray().Select(ReadCell).ToList();
            if (cells.Count != columns.Count) throw new FormatException("A row's cells do not match its columns.");
            return new PublishedRow(cells, r.GetProperty("isTotal").GetBoolean());
        }).ToList();
        return new PublishedSection(s.GetProperty("title").GetString()!, columns, rows, chart);
    }

    private static PublishedCell ReadCell(JsonElement c)
    {
        var property = c.EnumerateObject().SingleOrDefault();
        return property.Name switch
        {
            "text" => PublishedCell.OfText(property.Value.GetString()!),
            "value" => PublishedCell.OfValue(property.Value.GetDecimal()),
            "suppressed" => PublishedCell.Suppressed,
            "withheld" => PublishedCell.Withheld,
            "range" when property.Value.GetArrayLength() == 2 => PublishedCell.OfRange(
                property.Value[0].GetInt64(), property.Value[1].ValueKind == JsonValueKind.Null ? null : property.Value[1].GetInt64()),
            "none" => PublishedCell.None,
            _ => throw new FormatException("A cell is not one of text, value, suppressed, withheld, range or none."),
        };
    }

    private static string KindName(ColumnKind kind) => kind switch
    {
        ColumnKind.Text => "text",
        ColumnKind.Count => "count",
        ColumnKind.Days => "days",
        ColumnKind.Hours => "hours",
        _ => "percent",
    };

    private static ColumnKind ParseKind(string? kind) => kind switch
    {
        "text" => ColumnKind.Text,
        "count" => ColumnKind.Count,
        "days" => ColumnKind.Days,
        "hours" => ColumnKind.Hours,
        "percent" => ColumnKind.Percent,
        _ => throw new FormatException($"Unknown column kind '{kind}'."),
    };

    /// <summary>12.50 and 12.5 are the same number; decimals keep their scale, so strip trailing zeros for one spelling.</summary>
    private static decimal Normalise(decimal value) => value / 1.0000000000000000000000000000m;

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateOnly ParseDate(JsonElement e) =>
        DateOnly.ParseExact(e.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(JsonElement e) =>
        DateTimeOffset.ParseExact(e.GetString()!, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
