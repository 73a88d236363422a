using System.ComponentModel;
using System.Globalization;
using System.Text;
using Casework.Persistence;
using Casework.Reporting.Reports;
using Casework.Reporting.Rendering;
using Casework.ServiceDefaults;

namespace Casework.Reporting.Apis;

/// <summary>
/// The impact (funder) report for a period: JSON, a zip of CSVs (one per section) and a self-contained HTML page. Every
/// form is the same report, published once through <see cref="Suppression"/>, so no export shows a small number another hides.
/// </summary>
public static class ImpactReportApi
{
    public static IEndpointRouteBuilder MapImpactReportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/reporting")
            .WithTags("Reporting")
            .RequireScope(ReportingService.Scope)
            .RequireStaff(CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin, CaseworkRoles.Auditor);

        const string description =
            "from and to (yyyy-MM-dd, both inclusive, the region's days) are required and name whole months (the first and the last day of one, at most 36); optionally one pathway " +
            "(pathwayId) and one team (teamId). Managers, admins and auditors see the whole region; supervisors their own teams " +
            "(another team's id answers 403). Counts from 1 to the threshold less one show as \"<threshold\", figures based on too " +
            "few cases and complements that would give a hidden count away as \"*\".";

        api.MapGet("/impact", async (HttpContext http, ImpactReport builder, IDocumentStore store,
                string? from, string? to, string? pathwayId, string? teamId, CancellationToken cancellationToken) =>
            await WithReportAsync(http, builder, from, to, pathwayId, teamId, cancellationToken, async report =>
                TypedResults.Ok(ImpactReportView.Of(report, await DashboardApi.FreshnessAsync(store, cancellationToken)))))
            .WithName("ImpactReport")
            .WithSummary("Impact and funder report for a period: cases opened and closed, outcomes, times, support delivered")
            .WithDescription(description + " asOf is the time of the last event applied, lastAppliedAt when it was applied.")
            .Produces<ImpactReportView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/impact.csv", (HttpContext http, ImpactReport builder,
                string? from, string? to, string? pathwayId, string? teamId, CancellationToken cancellationToken) =>
            WithReportAsync(http, builder, from, to, pathwayId, teamId, cancellationToken, report =>
                Task.FromResult<IResult>(TypedResults.File(CsvExport.Zip(report), "application/zip", FileName(report, "zip")))))
            .WithName("ImpactReportCsv")
            .WithSummary("The impact report as a zip of CSV files (one per section, plus about.csv)")
            .WithDescription(description)
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/impact.html", (HttpContext http, ImpactReport builder,
                string? from, string? to, string? pathwayId, string? teamId, CancellationToken cancellationToken) =>
            WithReportAsync(http, builder, from, to, pathwayId, teamId, cancellationToken, report =>
                Task.FromResult<IResult>(TypedResults.File(Encoding.UTF8.GetBytes(HtmlReport.Render(report)), "text/html; charset=utf-8", FileName(report, "html")))))
            .WithName("ImpactReportHtml")
            .WithSummary("The impact report as one self-contained HTML page with SVG charts (no external assets), to send to a funder")
            .WithDescription(description)
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    /// <summary>impact-report-2026-01-01-to-2026-03-31.zip: the period in the name, so downloads of different periods do not collide.</summary>
    public static string FileName(PublishedReport report, string extension) =>
        string.Create(CultureInfo.InvariantCulture, $"impact-report-{report.Period.From:yyyy-MM-dd}-to-{report.Period.To:yyyy-MM-dd}.{extension}");

    /// <summary>Validates the query, checks the caller may see the team, builds and publishes the report, then renders it.</summary>
    private static async Task<IResult> WithReportAsync(
        HttpContext http, ImpactReport builder, string? from, string? to, string? pathwayId, string? teamId,
        CancellationToken cancellationToken, Func<PublishedReport, Task<IResult>> render)
    {
        var errors = new ValidationErrors();
        var period = ReportPeriodQuery.Read(errors, from, to);
        if (ReportFilters.Check(http, errors, teamId, pathwayId, out var teams) is { } refused)
        {
            return refused;
        }
        var scope = new ImpactScope(teams, pathwayId);
        var report = await builder.BuildAsync(period!, scope, cancellationToken);
        return await render(builder.Settings.CreateSuppression().Publish(report));
    }
}

/// <summary>The published impact report with its freshness.</summary>
public sealed record ImpactReportView(
    string Title,
    string Region,
    DateOnly From,
    DateOnly To,
    [property: Description("When the last event applied occurred (null: none yet).")] DateTimeOffset? AsOf,
    [property: Description("When Reporting applied its latest event.")] DateTimeOffset? LastAppliedAt,
    [property: Description("True while the read models are rebuilt from the event log: counts are then incomplete.")] bool Rebuilding,
    [property: Description("Counts from 1 to this less one are shown as the suppression marker.")] int SuppressionThreshold,
    string SuppressionMarker,
    IReadOnlyList<ImpactSectionView> Sections)
{
    public static ImpactReportView Of(PublishedReport report, Freshness freshness) =>
        new(report.Title, report.Region, report.Period.From, report.Period.To, freshness.AsOf, freshness.LastAppliedAt, freshness.Rebuilding,
            report.SuppressionThreshold, report.SuppressionMarker,
            report.Sections.Select(s => new ImpactSectionView(s.Title,
                s.Columns.Select(c => new ImpactColumnView(c.Key, c.Title, c.Kind.ToString())).ToList(),
                s.Rows.Select(r => new ImpactRowView(r.IsTotal, r.Cells.Select((cell, i) =>
                    new ImpactCellView(cell.State.ToString(), cell.Display(s.Columns[i].Kind, report.SuppressionThreshold), cell.Value)).ToList())).ToList()))
            .ToList());
}

public sealed record ImpactSectionView(string Title, IReadOnlyList<ImpactColumnView> Columns, IReadOnlyList<ImpactRowView> Rows);

public sealed record ImpactColumnView(string Key, string Title, [property: Description("Text, Count, Days, Hours or Percent.")] string Kind);

public sealed record ImpactRowView(bool IsTotal, IReadOnlyList<ImpactCellView> Cells);

/// <summary>A cell as published: what to show (e.g. "12", "4.5", "&lt;5", "*") and the number when it is shown.</summary>
public sealed record ImpactCellView(
    [property: Description("Text, Value, Suppressed (a small count), Withheld (a complement or a figure based on too few cases) or None.")] string State,
    string Display,
    decimal? Value);
