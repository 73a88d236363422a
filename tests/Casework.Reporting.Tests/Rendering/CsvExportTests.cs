using System.IO.Compression;
using System.Text;
using Casework.Reporting.Rendering;
using Xunit;

namespace Casework.Reporting.Tests.Rendering;

public sealed class CsvExportTests
{
    private static readonly Column[] Columns = [new("name", "Name", ColumnKind.Text), new("n", "Count", ColumnKind.Count), new("h", "Hours", ColumnKind.Hours)];

    private static string Csv(params Row[] rows) =>
        CsvExport.SectionText(new Suppression().Publish(new ReportSection("t", Columns, rows)), 5);

    [Fact]
    public void Fields_are_quoted_per_rfc_4180_and_lines_end_in_crlf()
    {
        var csv = Csv(Row.Of(Cell.Label("Smith, \"Jo\"\nline two"), Cell.Count(12), Cell.Figure(3.25m, 10)));
        Assert.Equal("Name,Count,Hours\r\n\"Smith, \"\"Jo\"\"\nline two\",12,3.3\r\n", csv);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+44 7700", "'+44 7700")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tTab", "'\tTab")]
    [InlineData("\rcr", "\"'\rcr\"")]
    [InlineData("Plain = fine", "Plain = fine")]
    public void Text_that_a_spreadsheet_would_run_as_a_formula_is_prefixed_with_an_apostrophe(string name, string expected)
    {
        var csv = Csv(Row.Of(Cell.Label(name), Cell.Count(10), Cell.None));
        Assert.Equal($"{expected},10,\r\n", csv.Split("\r\n", 2)[1]);
    }

    [Fact]
    public void Negative_numbers_in_numeric_columns_are_not_mangled_and_hidden_cells_show_the_marker()
    {
        var csv = Csv(Row.Of(Cell.Label("Adjustment"), Cell.Count(3), Cell.Figure(-1.5m, 9)));
        Assert.EndsWith("Adjustment,<5,-1.5\r\n", csv);
    }

    [Fact]
    public void Section_bytes_start_with_the_utf8_byte_order_mark()
    {
        var section = new Suppression().Publish(new ReportSection("t", Columns, [Row.Of(Cell.Label("Café Zoë"), Cell.Count(10), Cell.None)]));
        var bytes = CsvExport.Section(section, 5);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.Contains("Café Zoë", Encoding.UTF8.GetString(bytes[3..]));
    }

    [Fact]
    public void The_zip_holds_about_and_one_csv_per_section_without_hidden_numbers()
    {
        var report = SampleReports.PublishedImpact();
        using var zip = new ZipArchive(new MemoryStream(CsvExport.Zip(report)));
        Assert.Equal(["about.csv", "01-cases-by-pathway.csv", "02-support-delivered.csv", "03-cases-opened-by-month.csv"], zip.Entries.Select(e => e.FullName));
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
            var text = reader.ReadToEnd();
            Assert.DoesNotContain(SampleReports.HiddenComplement.ToString(), text);
            Assert.DoesNotContain("123.4", text);
        }
        using var about = new StreamReader(zip.GetEntry("about.csv")!.Open());
        Assert.Contains("From,2025-04-01", about.ReadToEnd());
    }

    [Fact]
    public void Hostile_names_stay_one_field()
    {
        var csv = CsvExport.SectionText(SampleReports.PublishedImpact().Sections[0], 5);
        var lines = csv.Split("\r\n");
        Assert.StartsWith("\"<script>alert('x')</script> & \"\"Housing\"\" =HYPERLINK(\"\"http://evil.example\"\")\",<5,*,", lines[2]);
    }
}
