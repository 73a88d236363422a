using System.Text.RegularExpressions;
using System.Xml.Linq;
using Casework.Reporting.Rendering;
using Xunit;

namespace Casework.Reporting.Tests.Rendering;

public sealed class HtmlReportTests
{
    private static readonly string Html = HtmlReport.Render(SampleReports.PublishedImpact());

    [Theory]
    [InlineData("http:")]
    [InlineData("https:")]
    [InlineData("//")]
    [InlineData("src=")]
    [InlineData("href")]
    [InlineData("<script")]
    [InlineData("<link")]
    [InlineData("<img")]
    [InlineData("@import")]
    [InlineData("@font-face")]
    [InlineData("<iframe")]
    [InlineData("javascript:")]
    public void The_page_references_nothing_outside_itself_and_runs_no_script(string forbidden) =>
        // The hostile name holds a URL as plain (escaped) text; apart from it nothing may look like a reference.
        Assert.DoesNotContain(forbidden, Html.Replace(EscapedHostileName, ""), StringComparison.OrdinalIgnoreCase);

    private const string EscapedHostileName = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Housing&quot; =HYPERLINK(&quot;http://evil.example&quot;)";

    [Fact]
    public void No_element_or_attribute_holds_a_url()
    {
        var doc = XDocument.Parse(ToXml(Html));
        Assert.DoesNotContain(doc.Descendants(), e => e.Name.LocalName is "script" or "link" or "img" or "iframe" or "object" or "embed" or "a" or "image" or "use");
        Assert.DoesNotContain(doc.Descendants().Attributes(), a => a.Value.Contains("//") || a.Name.LocalName is "src" or "href");
    }

    [Fact]
    public void Every_url_reference_points_inside_the_document()
    {
        // The hatch patterns are the only url(...) uses: fragment references to the page's own SVG defs.
        var urls = Regex.Matches(Html, @"url\(([^)]*)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(urls);
        Assert.All(urls, u => Assert.StartsWith("#", u));
        Assert.Contains("default-src 'none'", Html);
    }

    [Fact]
    public void Hostile_names_are_escaped()
    {
        Assert.Contains(EscapedHostileName, Html);
        Assert.DoesNotContain("<script>", Html);
        Assert.DoesNotContain("alert('x')", Html);
    }

    [Fact]
    public void Suppressed_cells_show_the_marker_and_never_the_hidden_number()
    {
        Assert.Contains(">&lt;5</td>", Html);
        Assert.DoesNotContain(SampleReports.HiddenComplement.ToString(), Html);
        Assert.DoesNotContain("123.4", Html);
        // The visible total next to them is still shown.
        Assert.Contains((SampleReports.HiddenComplement + 3).ToString(), Html);
    }

    [Fact]
    public void A_large_threshold_keeps_a_distinctive_count_out_of_every_output()
    {
        var report = new Report("R", SampleReports.Period, SampleReports.AsOf, "north-west",
        [
            new ReportSection("S", [new("k", "Kind", ColumnKind.Text), new("n", "Count", ColumnKind.Count)],
                [Row.Of(Cell.Label("a"), Cell.Count(987)), Row.Of(Cell.Label("b"), Cell.Count(5000))], new ChartHint(ChartKind.Bar, ["n"])),
        ]);
        var published = new Suppression(1000).Publish(report);
        var html = HtmlReport.Render(published);
        Assert.DoesNotContain("987", html);
        Assert.DoesNotContain("987", CsvExport.SectionText(published.Sections[0], 1000));
        Assert.Contains("&lt;1000", html);
        Assert.Contains("5000", html);
    }

    [Fact]
    public void The_page_is_laid_out_for_a4_print_and_has_a_chart_per_charted_section()
    {
        Assert.Contains("size: A4", Html);
        Assert.Equal(3, Regex.Matches(Html, "<svg ").Count);
        Assert.Contains("role=\"img\"", Html);
        Assert.StartsWith("<!DOCTYPE html>", Html);
    }

    [Fact]
    public void The_whole_page_is_well_formed_markup()
    {
        // Not a requirement of HTML, but it shows every text was escaped and every element closed.
        var doc = XDocument.Parse(ToXml(Html));
        Assert.Equal("html", doc.Root!.Name.LocalName);
        Assert.Equal(3, doc.Descendants("section").Count());
    }

    /// <summary>The page as XML: only the doctype and the three void meta elements differ.</summary>
    private static string ToXml(string html) => System.Text.RegularExpressions.Regex.Replace(html.Replace("<!DOCTYPE html>", ""), "(<meta [^>]*[^/])>", "$1/>");
}

public sealed class SvgChartTests
{
    private static readonly PublishedReport Report = SampleReports.PublishedImpact();

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(0, true)]
    [InlineData(2, true)]
    public void Each_chart_kind_is_well_formed_svg_with_a_title(int section, bool standalone)
    {
        var svg = SvgChart.Render(Report.Sections[section], 5, "c1", standalone)!;
        var doc = XDocument.Parse(svg);
        var ns = standalone ? XNamespace.Get("http://www.w3.org/2000/svg") : XNamespace.None;
        Assert.Equal(ns + "svg", doc.Root!.Name);
        Assert.Equal(Report.Sections[section].Title, doc.Root.Element(ns + "title")!.Value);
        Assert.Equal("c1-title c1-desc", doc.Root.Attribute("aria-labelledby")!.Value);
    }

    [Fact]
    public void Suppressed_values_are_hatched_markers_with_the_marker_text()
    {
        var doc = XDocument.Parse(SvgChart.Render(Report.Sections[1], 5, "c2")!);
        var hatched = doc.Descendants("rect").Where(r => (string?)r.Attribute("fill") == "url(#c2-hatch)").ToList();
        Assert.Single(hatched);
        Assert.Equal("34", hatched[0].Attribute("width")!.Value);  // fixed: not the value's length
        Assert.Contains(doc.Descendants("text"), t => t.Value == "<5");
        Assert.Contains(doc.Descendants("title"), t => t.Value.StartsWith("Home visit, Notes: <5"));
    }

    [Fact]
    public void A_suppressed_point_breaks_the_line()
    {
        var doc = XDocument.Parse(SvgChart.Render(Report.Sections[2], 5, "c3")!);
        Assert.Equal(2, doc.Descendants("polyline").Count());
        Assert.Single(doc.Descendants("rect"), r => (string?)r.Attribute("fill") == "url(#c3-hatch)");
    }

    [Fact]
    public void Control_characters_and_markup_in_names_stay_parseable()
    {
        var section = new Suppression().Publish(new ReportSection("Evil \u0001 </svg> & co",
            [new("k", "K\u0008", ColumnKind.Text), new("n", "N", ColumnKind.Count)],
            [Row.Of(Cell.Label("x\u0000y \ud800 <b>"), Cell.Count(9))], new ChartHint(ChartKind.Bar, ["n"])));
        var doc = XDocument.Parse(SvgChart.Render(section, 5, "c4", standalone: true)!);
        Assert.Contains("</svg> & co", doc.Root!.Elements().First().Value);
    }

    [Fact]
    public void No_chart_without_a_hint() =>
        Assert.Null(SvgChart.Render(new PublishedSection("t", [new("n", "N", ColumnKind.Count)], [new PublishedRow([PublishedCell.OfValue(1)])]), 5));
}

public sealed class SvgAxisTests
{
    [Theory]
    [InlineData(0, 4)]
    [InlineData(3, 4)]
    [InlineData(15, 20)]
    [InlineData(41.3, 80)]
    [InlineData(120, 200)]
    [InlineData(98827, 200000)]
    public void The_axis_ends_on_four_round_steps(double max, double expected) => Assert.Equal(expected, SvgChart.NiceMax(max), 6);
}
