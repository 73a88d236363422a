using Casework.Case.Apis;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Case.Domain;

/// <summary>
/// Cases stored before the lifecycle (no concernRank, no review date, no pathway version) become current:
/// they follow the first version of their pathway and get a first review by its cadence from today.
/// </summary>
public sealed class CaseShapeUpgrade(PathwayCatalog pathways, RegionCalendar calendar, TimeProvider clock) : IDocumentUpgrade<SupportCase>
{
    public string MarkerField => "concernRank";

    public async Task<SupportCase> UpgradeAsync(SupportCase supportCase, CancellationToken cancellationToken)
    {
        var pathway = await pathways.OfCaseAsync(supportCase, cancellationToken);
        var today = calendar.Today(clock.GetUtcNow());
        return supportCase with
        {
            PathwayVersion = Math.Max(supportCase.PathwayVersion, 1),
            StageEnteredAt = supportCase.StageEnteredAt ?? supportCase.OpenedAt,
            NextReviewOn = supportCase.Status == CaseStatus.Closed
                ? null
                : supportCase.NextReviewOn ?? today.AddDays(pathway.ReviewCadenceDays.DaysFor(supportCase.ConcernLevel)),
        };
    }
}
