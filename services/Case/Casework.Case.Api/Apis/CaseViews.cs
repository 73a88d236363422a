using Casework.Case.Domain;
using Casework.Persistence;

namespace Casework.Case.Apis;

/// <summary>A case as lists return it: what a worklist shows, without the plan, reviews or timeline (GET /api/cases/{id} has them).</summary>
public record CaseSummaryView(
    Guid Id,
    Guid ReferralId,
    Guid PersonId,
    string PersonDisplayName,
    string PathwayId,
    int PathwayVersion,
    string TeamId,
    string Status,
    string Stage,
    string ConcernLevel,
    DateTimeOffset OpenedAt,
    string? AssignedWorkerId,
    string? AssignedWorkerName,
    DateOnly? NextReviewOn,
    bool ReviewOverdue,
    DateOnly? ExpectedResumeOn,
    long Version)
{
    /// <param name="today">The region's date, which decides whether the review is overdue.</param>
    public static CaseSummaryView From(Stored<SupportCase> stored, DateOnly today)
    {
        var c = stored.Document;
        return new(c.Id, c.ReferralId, c.PersonId, c.PersonDisplayName, c.PathwayId, Math.Max(c.PathwayVersion, 1), c.TeamId, c.Status, c.Stage,
            c.ConcernLevel, c.OpenedAt, c.AssignedWorkerId, c.AssignedWorkerName, c.NextReviewOn, c.NextReviewOn < today,
            c.Pause?.ExpectedResumeOn, stored.Version);
    }
}

/// <summary>
/// One case in full, as GET /api/cases/{id} and every change return it: the summary plus the assessment,
/// support plan, reviews, concern history, pause, closure, timeline, and what is still needed to leave the current stage.
/// </summary>
public sealed record CaseView : CaseSummaryView
{
    private CaseView(CaseSummaryView summary) : base(summary) { }

    public DateTimeOffset? StageEnteredAt { get; private init; }
    public IReadOnlyList<string> MissingToLeaveStage { get; private init; } = [];
    public Pause? Pause { get; private init; }
    public Assessment? Assessment { get; private init; }
    public IReadOnlyList<Goal> Goals { get; private init; } = [];
    public IReadOnlyList<CaseReview> Reviews { get; private init; } = [];
    public IReadOnlyList<ConcernChange> ConcernHistory { get; private init; } = [];
    public Closure? Closure { get; private init; }
    public IReadOnlyList<Closure> PastClosures { get; private init; } = [];
    public IReadOnlyList<CaseChange> Timeline { get; private init; } = [];

    public static CaseView From(Stored<SupportCase> stored, Pathway pathway, DateOnly today)
    {
        var c = stored.Document;
        return new CaseView(CaseSummaryView.From(stored, today))
        {
            StageEnteredAt = c.StageEnteredAt,
            MissingToLeaveStage = c.Status == CaseStatus.Closed ? [] : c.MissingToLeave(pathway),
            Pause = c.Pause,
            Assessment = c.Assessment,
            Goals = c.Goals,
            Reviews = c.Reviews,
            ConcernHistory = c.ConcernHistory,
            Closure = c.Closure,
            PastClosures = c.PastClosures,
            Timeline = c.Timeline,
        };
    }
}
