using Casework.Contracts.Events;
using Casework.Case.Apis;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Case.Domain;

/// <summary>
/// Cases stored before the lifecycle (no concernRank, no review date, no pathway version) become current: they
/// are pinned to the pathway version whose rules they get (the first, or the current one where the first was not
/// kept) and get a first review by its cadence from today, announced with ReviewScheduled like any other.
/// </summary>
public sealed class CaseShapeUpgrade(PathwayCatalog pathways, RegionCalendar calendar, TimeProvider clock) : IDocumentUpgrade<SupportCase>
{
    public string MarkerField => "concernRank";

    public async Task<SupportCase> UpgradeAsync(SupportCase supportCase, IDocumentSession session, CancellationToken cancellationToken)
    {
        var pathway = await pathways.OfCaseAsync(supportCase, cancellationToken);
        var now = clock.GetUtcNow();
        var upgraded = supportCase with
        {
            PathwayVersion = Math.Max(pathway.Version, 1),
            StageEnteredAt = supportCase.StageEnteredAt ?? supportCase.OpenedAt,
            NextReviewOn = supportCase.Status == CaseStatus.Closed
                ? null
                : supportCase.NextReviewOn ?? calendar.Today(now).AddDays(pathway.ReviewCadenceDays.DaysFor(supportCase.ConcernLevel)),
        };
        if (upgraded.NextReviewOn is { } due && due != supportCase.NextReviewOn)
        {
            session.Publish(new ReviewScheduled(upgraded.Id, due, now));
        }
        return upgraded;
    }
}
