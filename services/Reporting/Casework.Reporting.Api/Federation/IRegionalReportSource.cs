using Casework.Reporting.Rendering;

namespace Casework.Reporting.Federation;

/// <summary>
/// The region's impact report for a period, whole (every pathway, every team) and before suppression: what a regional
/// rollup publishes once suppressed and signed. The funder report implements it, so the rollup and the report a
/// manager downloads can never disagree.
/// </summary>
public interface IRegionalReportSource
{
    Task<Report> BuildAsync(ReportPeriod period, CancellationToken cancellationToken);
}
