using Casework.Contracts;
using Casework.Domain;

namespace Casework.Case.Domain;

public static class CaseStatus
{
    public const string Open = "Open";
    public const string Paused = "Paused";
    public const string Closed = "Closed";

    public static readonly IReadOnlyList<string> All = [Open, Paused, Closed];
}

public static class CaseStage
{
    public const string Intake = "Intake";
    public const string Assessment = "Assessment";
    public const string Active = "Active";
    public const string Review = "Review";
    public const string Closed = "Closed";

    public static readonly IReadOnlyList<string> All = [Intake, Assessment, Active, Review, Closed];

    /// <summary>The stages a pathway can set rules for (Closed is left only by reopening).</summary>
    public static readonly IReadOnlyList<string> Working = [Intake, Assessment, Active, Review];

    /// <summary>The moves between working stages: forward through the lifecycle, and back to support after a review.</summary>
    public static bool CanMove(string from, string to) => (from, to) switch
    {
        (Intake, Assessment) or (Assessment, Active) or (Active, Review) or (Review, Active) => true,
        _ => false,
    };
}

/// <summary>One entry of a case's timeline: what changed, who did it, when.</summary>
public sealed record CaseChange(string What, string By, DateTimeOffset At, string? Detail = null);

/// <summary>A change of concern level, with its reason.</summary>
public sealed record ConcernChange(string From, string To, string Reason, string By, DateTimeOffset At);

/// <summary>The structured answers of the pathway's assessment, against the version the case follows.</summary>
public sealed record Assessment(IReadOnlyDictionary<string, string> Answers, int PathwayVersion, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>A goal of the support plan, with the actions towards it and the progress recorded.</summary>
public sealed record Goal(
    Guid Id,
    string Description,
    DateOnly? TargetOn,
    string Status,
    IReadOnlyList<GoalAction> Actions,
    IReadOnlyList<ProgressUpdate> Progress,
    string CreatedBy,
    DateTimeOffset CreatedAt);

public static class GoalStatus
{
    public const string InProgress = "InProgress";
    public const string Achieved = "Achieved";
    public const string NotAchieved = "NotAchieved";

    public static readonly IReadOnlyList<string> All = [InProgress, Achieved, NotAchieved];
}

/// <summary>A step towards a goal: who does it (the person, a worker, a partner) and by when.</summary>
public sealed record GoalAction(Guid Id, string Description, string Owner, DateOnly? TargetOn, DateTimeOffset? DoneAt = null, string? DoneBy = null);

public sealed record ProgressUpdate(string Note, string? Status, string By, DateTimeOffset At);

/// <summary>A review of whether the plan works: what was found, and when the next one is due.</summary>
public sealed record CaseReview(Guid Id, string Findings, DateOnly NextReviewOn, string ReviewedBy, DateTimeOffset ReviewedAt);

/// <summary>How a case ended: why, the outcomes achieved (from the pathway's framework) and a summary.</summary>
public sealed record Closure(string Reason, IReadOnlyList<string> Outcomes, string Summary, string ClosedFromStage, string ClosedBy, DateTimeOffset ClosedAt);

/// <summary>Why the case is paused and when support is expected to resume.</summary>
public sealed record Pause(string Reason, DateOnly ExpectedResumeOn, string PausedBy, DateTimeOffset PausedAt);

/// <summary>
/// One episode of support for one person on one pathway. Every method enforces the lifecycle and the
/// rules of the pathway version the case started on (dates such as "today" are the region's), returns the changed case (the same instance when
/// nothing changes) and adds an entry to the timeline. A closed case changes only by reopening.
/// </summary>
public sealed record SupportCase(
    Guid Id,
    Guid ReferralId,
    Guid PersonId,
    string PersonDisplayName,
    string PathwayId,
    string TeamId,
    string Status,
    string Stage,
    string ConcernLevel,
    DateTimeOffset OpenedAt,
    string OpenedBy,
    IReadOnlyList<CaseChange> Timeline)
{
    public string? AssignedWorkerId { get; init; }
    public string? AssignedWorkerName { get; init; }

    /// <summary>The sequence of the last assignment change applied (see <see cref="AssignTo"/>).</summary>
    public long AssignmentSequence { get; init; }

    /// <summary>The pathway version the case follows (0 on a case stored before pathways were versioned: the first).</summary>
    public int PathwayVersion { get; init; }

    public DateTimeOffset? StageEnteredAt { get; init; }

    /// <summary>When the next review is due; none while the case is closed.</summary>
    public DateOnly? NextReviewOn { get; init; }

    public Pause? Pause { get; init; }
    public Assessment? Assessment { get; init; }
    public IReadOnlyList<Goal> Goals { get; init; } = [];
    public IReadOnlyList<CaseReview> Reviews { get; init; } = [];
    public IReadOnlyList<ConcernChange> ConcernHistory { get; init; } = [];
    public Closure? Closure { get; init; }

    /// <summary>Earlier closures of a reopened case, outcomes included (the evidence stays with the case).</summary>
    public IReadOnlyList<Closure> PastClosures { get; init; } = [];

    /// <summary>Stored for sorting by urgency (4 = Critical … 1 = Low); the level's name does not sort.</summary>
    public int ConcernRank => ConcernLevels.Rank(ConcernLevel);

    /// <summary>When the person's name shown here was last changed in Intake (orders late PersonUpdated events).</summary>
    public DateTimeOffset? PersonNameAt { get; init; }

    /// <summary>Shows the person's corrected name; an event older than the name shown changes nothing.</summary>
    public SupportCase WithPersonName(string displayName, DateTimeOffset at) =>
        PersonNameAt is { } shown && shown >= at
            ? this
            : this with { PersonDisplayName = displayName, PersonNameAt = at };

    /// <summary>Opens a case from an accepted referral, owned by the pathway's team, with its first review due by the cadence.</summary>
    public static SupportCase Open(
        Guid referralId, Guid personId, string personDisplayName, Pathway pathway, string concernLevel, string acceptedBy, DateTimeOffset now, DateOnly today) =>
        new(Guid.CreateVersion7(now), referralId, personId, personDisplayName, pathway.Id, pathway.TeamId, CaseStatus.Open, CaseStage.Intake,
            concernLevel, now, acceptedBy, [new CaseChange("Opened", acceptedBy, now, $"From referral {referralId} on pathway {pathway.Name} (version {pathway.Version})")])
        {
            PathwayVersion = pathway.Version,
            StageEnteredAt = now,
            NextReviewOn = today.AddDays(pathway.ReviewCadenceDays.DaysFor(concernLevel)),
        };

    /// <summary>
    /// Records the accountable worker Assignment chose. <paramref name="sequence"/> is Assignment's count of this case's
    /// assignment changes: one older than the last applied (an overtaken reassignment) or a repeat changes nothing.
    /// </summary>
    public SupportCase AssignTo(string workerId, string workerName, DateTimeOffset at, long sequence = 0, string? reason = null)
    {
        if (!AssignmentOrder.Applies(sequence, AssignmentSequence) || (sequence == 0 && AssignedWorkerId == workerId))
        {
            return this;
        }
        var what = reason is null ? $"Accountable worker: {workerName}" : $"Accountable worker: {workerName} ({reason})";
        return this with
        {
            AssignedWorkerId = workerId,
            AssignedWorkerName = workerName,
            AssignmentSequence = AssignmentOrder.Latest(sequence, AssignmentSequence),
            Timeline = [.. Timeline, new CaseChange("Assigned", "assignment", at, what)],
        };
    }

    /// <summary>
    /// The case waits in its team's unassigned queue; ordered by <paramref name="sequence"/> as <see cref="AssignTo"/> (an
    /// unnumbered release only releases <paramref name="workerId"/>, when it names one: see <see cref="AssignmentOrder"/>).
    /// </summary>
    public SupportCase Unassign(string reason, DateTimeOffset at, long sequence = 0, string? workerId = null)
    {
        if (!AssignmentOrder.ReleaseApplies(sequence, AssignmentSequence, AssignedWorkerId, workerId))
        {
            return this;
        }
        return this with
        {
            AssignedWorkerId = null,
            AssignedWorkerName = null,
            AssignmentSequence = AssignmentOrder.Latest(sequence, AssignmentSequence),
            Timeline = [.. Timeline, new CaseChange("Unassigned", "assignment", at, $"No accountable worker: {reason}")],
        };
    }

    /// <summary>Moves to another working stage once the pathway's requirements for leaving this one are met.</summary>
    public SupportCase MoveTo(string stage, string? reason, Pathway pathway, string by, DateTimeOffset now)
    {
        EnsureOpen("move stage");
        if (stage == Stage)
        {
            return this;
        }
        if (!CaseStage.CanMove(Stage, stage))
        {
            throw new DomainRuleException($"A case cannot move from {Stage} to {stage}.");
        }
        var missing = MissingToLeave(pathway);
        if (missing.Count > 0)
        {
            throw new DomainRuleException($"The case cannot leave {Stage} yet: {string.Join(", ", missing)}.", missing);
        }
        return this with
        {
            Stage = stage,
            StageEnteredAt = now,
            Timeline = [.. Timeline, new CaseChange("StageChanged", by, now, Detail($"{Stage} → {stage}", reason))],
        };
    }

    /// <summary>Which of the pathway's requirements for leaving the current stage are not met yet.</summary>
    public IReadOnlyList<string> MissingToLeave(Pathway pathway) =>
        pathway.RequiredToLeave(Stage).Where(requirement => !Meets(requirement, pathway)).ToList();

    private bool Meets(string requirement, Pathway pathway) => requirement switch
    {
        StageRequirements.AssessmentComplete => Assessment is not null &&
            pathway.AssessmentQuestions.Where(q => q.Required).All(q => Assessment.Answers.ContainsKey(q.Id)),
        StageRequirements.SupportPlan => Goals.Count > 0,
        StageRequirements.ReviewRecorded => Reviews.Any(r => r.ReviewedAt >= (StageEnteredAt ?? OpenedAt)),
        StageRequirements.AssignedWorker => AssignedWorkerId is not null,
        _ => false,
    };

    /// <summary>Pauses support (e.g. a hospital stay), with the date it is expected to resume.</summary>
    public SupportCase PauseUntil(DateOnly expectedResumeOn, string reason, string by, DateTimeOffset now, DateOnly today)
    {
        EnsureOpen("pause");
        if (Status == CaseStatus.Paused)
        {
            throw new DomainRuleException("The case is already paused.");
        }
        if (expectedResumeOn <= today)
        {
            throw new DomainInputException("expectedResumeOn", "The expected resume date must be after today.");
        }
        return this with
        {
            Status = CaseStatus.Paused,
            Pause = new Pause(reason, expectedResumeOn, by, now),
            Timeline = [.. Timeline, new CaseChange("Paused", by, now, $"{reason} (expected to resume on {expectedResumeOn:yyyy-MM-dd})")],
        };
    }

    public SupportCase Resume(string? reason, string by, DateTimeOffset now)
    {
        EnsureOpen("resume");
        if (Status != CaseStatus.Paused)
        {
            throw new DomainRuleException("The case is not paused.");
        }
        return this with
        {
            Status = CaseStatus.Open,
            Pause = null,
            Timeline = [.. Timeline, new CaseChange("Resumed", by, now, reason)],
        };
    }

    /// <summary>
    /// Changes the concern level with its reason. A rise brings the next review forward to the new level's
    /// cadence if that is sooner; a fall keeps the date already set (a review is never pushed back silently).
    /// </summary>
    public SupportCase ChangeConcern(string level, string reason, Pathway pathway, string by, DateTimeOffset now, DateOnly today)
    {
        EnsureOpen("change the concern level");
        if (level == ConcernLevel)
        {
            return this;
        }
        var byLevel = today.AddDays(pathway.ReviewCadenceDays.DaysFor(level));
        var nextReview = NextReviewOn is { } due && due <= byLevel ? due : byLevel;
        var raised = ConcernLevels.Rank(level) > ConcernLevels.Rank(ConcernLevel);
        return this with
        {
            ConcernLevel = level,
            ConcernHistory = [.. ConcernHistory, new ConcernChange(ConcernLevel, level, reason, by, now)],
            NextReviewOn = raised ? nextReview : NextReviewOn,
            Timeline = [.. Timeline, new CaseChange("ConcernChanged", by, now, $"{ConcernLevel} → {level}: {reason}")],
        };
    }

    /// <summary>Records the assessment's answers (checked against the pathway's questions by <see cref="Answers"/>).</summary>
    public SupportCase RecordAssessment(IReadOnlyDictionary<string, string> answers, Pathway pathway, string by, DateTimeOffset now)
    {
        EnsureOpen("record an assessment");
        if (Assessment is not null && Assessment.Answers.Count == answers.Count &&
            answers.All(a => Assessment.Answers.TryGetValue(a.Key, out var v) && v == a.Value))
        {
            return this;
        }
        return this with
        {
            Assessment = new Assessment(answers, pathway.Version, by, now),
            Timeline = [.. Timeline, new CaseChange(Assessment is null ? "Assessed" : "AssessmentUpdated", by, now,
                $"{answers.Count} of {pathway.AssessmentQuestions.Count} questions answered")],
        };
    }

    /// <summary>Bounds that keep one case a document a caseworker can read (and the store can rewrite) in one go.</summary>
    public const int MaxGoals = 50, MaxActionsPerGoal = 50, MaxProgressPerGoal = 200;

    public SupportCase AddGoal(Goal goal, string by, DateTimeOffset now)
    {
        EnsureOpen("change the support plan");
        EnsureBelow(Goals.Count(g => g.Status == GoalStatus.InProgress), MaxGoals, "goals in progress", "record the result of finished goals first");
        return this with
        {
            Goals = [.. Goals, goal],
            Timeline = [.. Timeline, new CaseChange("GoalAdded", by, now, goal.Description)],
        };
    }

    /// <summary>Records progress towards a goal, and optionally its new status (achieved / not achieved / back in progress).</summary>
    public SupportCase RecordProgress(Guid goalId, string note, string? status, string by, DateTimeOffset now)
    {
        EnsureOpen("change the support plan");
        var goal = FindGoal(goalId);
        EnsureBelow(goal.Progress.Count, MaxProgressPerGoal, "progress updates on a goal", "record its result and set a new goal");
        var changed = goal with
        {
            Status = status ?? goal.Status,
            Progress = [.. goal.Progress, new ProgressUpdate(note, status, by, now)],
        };
        return WithGoal(changed) with
        {
            Timeline = [.. Timeline, new CaseChange("GoalProgress", by, now,
                Detail(status is null || status == goal.Status ? goal.Description : $"{goal.Description}: {goal.Status} → {status}", note))],
        };
    }

    public SupportCase AddAction(Guid goalId, GoalAction action, string by, DateTimeOffset now)
    {
        EnsureOpen("change the support plan");
        var goal = FindGoal(goalId);
        EnsureBelow(goal.Actions.Count, MaxActionsPerGoal, "actions on a goal", "split it into smaller goals");
        return WithGoal(goal with { Actions = [.. goal.Actions, action] }) with
        {
            Timeline = [.. Timeline, new CaseChange("ActionAdded", by, now, $"{goal.Description}: {action.Description} ({action.Owner})")],
        };
    }

    /// <summary>Marks an action done; doing it again changes nothing.</summary>
    public SupportCase CompleteAction(Guid goalId, Guid actionId, string by, DateTimeOffset now)
    {
        EnsureOpen("change the support plan");
        var goal = FindGoal(goalId);
        var action = goal.Actions.FirstOrDefault(a => a.Id == actionId) ?? throw new DomainNotFoundException("The action was not found.");
        if (action.DoneAt is not null)
        {
            return this;
        }
        var done = action with { DoneAt = now, DoneBy = by };
        return WithGoal(goal with { Actions = goal.Actions.Select(a => a.Id == actionId ? done : a).ToList() }) with
        {
            Timeline = [.. Timeline, new CaseChange("ActionDone", by, now, $"{goal.Description}: {action.Description}")],
        };
    }

    /// <summary>
    /// Records a review. The next review is the date given, or by the cadence of the current concern level;
    /// it may not be later than the cadence allows, nor in the past.
    /// </summary>
    public SupportCase RecordReview(string findings, DateOnly? nextReviewOn, Pathway pathway, string by, DateTimeOffset now, DateOnly today)
    {
        EnsureOpen("record a review");
        var latest = today.AddDays(pathway.ReviewCadenceDays.DaysFor(ConcernLevel));
        var next = nextReviewOn ?? latest;
        if (next <= today)
        {
            throw new DomainInputException("nextReviewOn", "The next review must be after today.");
        }
        if (next > latest)
        {
            throw new DomainInputException("nextReviewOn",
                $"At concern level {ConcernLevel} the pathway reviews at least every {pathway.ReviewCadenceDays.DaysFor(ConcernLevel)} days: the next review can be on {latest:yyyy-MM-dd} at the latest.");
        }
        return this with
        {
            Reviews = [.. Reviews, new CaseReview(Guid.CreateVersion7(now), findings, next, by, now)],
            NextReviewOn = next,
            Timeline = [.. Timeline, new CaseChange("Reviewed", by, now, $"Next review on {next:yyyy-MM-dd}")],
        };
    }

    /// <summary>Closes the case with a reason, the outcomes achieved (from the pathway's framework) and a summary.</summary>
    public SupportCase Close(string reason, IReadOnlyList<string> outcomes, string summary, Pathway pathway, string by, DateTimeOffset now)
    {
        EnsureOpen("close");
        var unknown = outcomes.Where(o => pathway.Outcomes.All(known => known.Id != o)).ToList();
        if (unknown.Count > 0)
        {
            throw new DomainInputException("outcomes", $"Not outcomes of pathway {pathway.Name}: {string.Join(", ", unknown)}. " +
                $"Choose from: {string.Join(", ", pathway.Outcomes.Select(o => o.Id))}.");
        }
        if (outcomes.Count == 0 && pathway.Outcomes.Count > 0)
        {
            throw new DomainInputException("outcomes", "Record at least one outcome from the pathway's framework.");
        }
        return this with
        {
            Status = CaseStatus.Closed,
            Stage = CaseStage.Closed,
            StageEnteredAt = now,
            Pause = null,
            NextReviewOn = null,
            Closure = new Closure(reason, outcomes.Distinct().ToList(), summary, Stage, by, now),
            Timeline = [.. Timeline, new CaseChange("Closed", by, now, $"{reason}; outcomes: {string.Join(", ", outcomes)}")],
        };
    }

    /// <summary>Reopens a closed case in the stage it was closed from, with a review due by the cadence.</summary>
    public SupportCase Reopen(string reason, Pathway pathway, string by, DateTimeOffset now, DateOnly today)
    {
        if (Status != CaseStatus.Closed || Closure is null)
        {
            throw new DomainRuleException("Only a closed case can be reopened.");
        }
        return this with
        {
            Status = CaseStatus.Open,
            Stage = Closure.ClosedFromStage,
            StageEnteredAt = now,
            NextReviewOn = today.AddDays(pathway.ReviewCadenceDays.DaysFor(ConcernLevel)),
            Closure = null,
            PastClosures = [.. PastClosures, Closure],
            Timeline = [.. Timeline, new CaseChange("Reopened", by, now, $"{reason} (closed on {Closure.ClosedAt:yyyy-MM-dd}: {Closure.Reason})")],
        };
    }

    private void EnsureOpen(string what)
    {
        if (Status == CaseStatus.Closed)
        {
            throw new DomainRuleException($"The case is closed: reopen it to {what}.");
        }
    }

    private static void EnsureBelow(int count, int max, string what, string instead)
    {
        if (count >= max)
        {
            throw new DomainRuleException($"A case holds at most {max} {what}: {instead}.");
        }
    }

    private Goal FindGoal(Guid goalId) =>
        Goals.FirstOrDefault(g => g.Id == goalId) ?? throw new DomainNotFoundException("The goal was not found.");

    private SupportCase WithGoal(Goal goal) => this with { Goals = Goals.Select(g => g.Id == goal.Id ? goal : g).ToList() };

    private static string? Detail(string what, string? reason) => string.IsNullOrWhiteSpace(reason) ? what : $"{what}: {reason}";
}

/// <summary>The one case an accepted referral opened, keyed by the referral id so a second cannot be inserted.</summary>
public sealed record ReferralCase(Guid CaseId);
