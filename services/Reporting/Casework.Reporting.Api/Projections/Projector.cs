using Casework.Contracts.Events;
using Casework.Reporting.Domain;

namespace Casework.Reporting.Projections;

/// <summary>
/// Routes one event to the read models it changes (the rules themselves are the read models' Apply methods in Domain).
/// The consumers use it for one event at a time, a rebuild for a page of the log at a time: the same code either way.
/// </summary>
public sealed class Projector(TimeZoneInfo zone)
{
    /// <summary>
    /// Every event Reporting consumes and logs. Some change no read model yet (screening answers, assessments, support plans,
    /// reviews recorded, status changes, workers' capacity, teams' settings) but are kept in the log, so a report added later
    /// can be computed over history by a rebuild. People's events are consumed for their coarse facts only: the names they carry
    /// are dropped before the event is logged (<see cref="PersonReport.WithoutNames"/>) and no read model keeps one.
    /// </summary>
    public static readonly IReadOnlyList<Type> Consumed =
    [
        typeof(ReferralReceived), typeof(ReferralScreeningStarted), typeof(ReferralScreeningRecorded),
        typeof(ReferralAccepted), typeof(ReferralDeclined), typeof(ReferralWithdrawn),
        typeof(CaseOpened), typeof(CaseStageChanged), typeof(CaseStatusChanged), typeof(ConcernLevelChanged),
        typeof(ReviewScheduled), typeof(CaseClosed), typeof(CaseReopened),
        typeof(CaseAssessed), typeof(SupportPlanChanged), typeof(CaseReviewed), typeof(PathwayPublished),
        typeof(NoteAdded), typeof(NoteAmended),
        typeof(CaseAssigned), typeof(CaseUnassigned), typeof(WorkerCapacityChanged), typeof(TeamSettingsChanged),
        typeof(PersonRegistered), typeof(PersonUpdated), typeof(PeopleMerged),
    ];

    public async Task ApplyAsync(object integrationEvent, ReadModelBatch batch, CancellationToken cancellationToken)
    {
        switch (integrationEvent)
        {
            case ReferralReceived e:
                var received = await Referral(batch, e.ReferralId, r => r.Apply(e, zone), cancellationToken);
                if (received.CaseId is { } openedCase)
                {
                    await Case(batch, openedCase, c => c.WithReferralReceivedAt(received.ReceivedAt), cancellationToken);
                }
                break;
            case ReferralScreeningStarted e:
                await Referral(batch, e.ReferralId, r => r.Apply(e), cancellationToken);
                break;
            case ReferralAccepted e:
                await Referral(batch, e.ReferralId, r => r.Apply(e), cancellationToken);
                break;
            case ReferralDeclined e:
                await Referral(batch, e.ReferralId, r => r.Apply(e), cancellationToken);
                break;
            case ReferralWithdrawn e:
                await Referral(batch, e.ReferralId, r => r.Apply(e), cancellationToken);
                break;
            case CaseOpened e:
                var referral = await Referral(batch, e.ReferralId, r => r.Apply(e), cancellationToken);
                await Case(batch, e.CaseId, c => c.Apply(e, zone).WithReferralReceivedAt(referral.ReceivedAt), cancellationToken);
                break;
            case CaseStageChanged e:
                await Case(batch, e.CaseId, c => c.Apply(e), cancellationToken);
                break;
            case ConcernLevelChanged e:
                await Case(batch, e.CaseId, c => c.Apply(e), cancellationToken);
                break;
            case ReviewScheduled e:
                await Case(batch, e.CaseId, c => c.Apply(e), cancellationToken);
                break;
            case CaseClosed e:
                await Case(batch, e.CaseId, c => c.Apply(e, zone), cancellationToken);
                break;
            case CaseReopened e:
                await Case(batch, e.CaseId, c => c.Apply(e), cancellationToken);
                break;
            case CaseAssigned e:
                await Case(batch, e.CaseId, c => c.Apply(e), cancellationToken);
                await batch.ChangeAsync(e.WorkerId, () => WorkerReport.From(e), w => w.Apply(e), cancellationToken);
                break;
            case CaseUnassigned e:
                await Case(batch, e.CaseId, c => c.Apply(e), cancellationToken);
                break;
            case NoteAdded e:
                await batch.ChangeAsync(NoteFact.DocumentId(e.NoteId), () => NoteFact.From(e, zone), n => n, cancellationToken);
                await Case(batch, e.CaseId, c => c.Apply(e), cancellationToken);
                break;
            case NoteAmended e:
                // An amendment of a note reporting never saw (sent before Reporting existed) has nothing to amend.
                if (await batch.GetAsync<NoteFact>(NoteFact.DocumentId(e.NoteId), cancellationToken) is not null)
                {
                    await batch.ChangeAsync<NoteFact>(NoteFact.DocumentId(e.NoteId), () => throw new InvalidOperationException(), n => n.Apply(e), cancellationToken);
                }
                break;
            case PersonRegistered e:
                await Person(batch, e.PersonId, p => p.Apply(e), cancellationToken);
                break;
            case PersonUpdated e:
                await Person(batch, e.PersonId, p => p.Apply(e), cancellationToken);
                break;
            case PeopleMerged e:
                // The survivor's own record exists too, so a count can tell it from a person never heard of.
                await Person(batch, e.SurvivorId, p => p, cancellationToken);
                foreach (var merged in e.MergedPersonIds.Where(id => id != e.SurvivorId).Distinct())
                {
                    await Person(batch, merged, p => p.MergedBy(e), cancellationToken);
                }
                break;
            case PathwayPublished e:
                await batch.ChangeAsync(e.PathwayId, () => PathwayReport.From(e), p => p.Apply(e), cancellationToken);
                break;
        }
    }

    private static Task<ReferralReport> Referral(ReadModelBatch batch, Guid id, Func<ReferralReport, ReferralReport> apply, CancellationToken cancellationToken) =>
        batch.ChangeAsync(ReferralReport.DocumentId(id), () => ReferralReport.Empty(id), apply, cancellationToken);

    private static Task<PersonReport> Person(ReadModelBatch batch, Guid id, Func<PersonReport, PersonReport> apply, CancellationToken cancellationToken) =>
        batch.ChangeAsync(PersonReport.DocumentId(id), () => PersonReport.Empty(id), apply, cancellationToken);

    private static Task<CaseReport> Case(ReadModelBatch batch, Guid id, Func<CaseReport, CaseReport> apply, CancellationToken cancellationToken) =>
        batch.ChangeAsync(CaseReport.DocumentId(id), () => CaseReport.Empty(id), apply, cancellationToken);
}
