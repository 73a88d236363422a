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
}

/// <summary>One entry of a case's timeline: what changed, who did it, when.</summary>
public sealed record CaseChange(string What, string By, DateTimeOffset At, string? Detail = null);

/// <summary>One episode of support for one person on one pathway.</summary>
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

    /// <summary>When the person's name shown here was last changed in Intake (orders late PersonUpdated events).</summary>
    public DateTimeOffset? PersonNameAt { get; init; }

    /// <summary>Shows the person's corrected name; an event older than the name shown changes nothing.</summary>
    public SupportCase WithPersonName(string displayName, DateTimeOffset at) =>
        PersonNameAt is { } shown && shown >= at
            ? this
            : this with { PersonDisplayName = displayName, PersonNameAt = at };

    /// <summary>Opens a case from an accepted referral, owned by the pathway's team.</summary>
    public static SupportCase Open(Guid referralId, Guid personId, string personDisplayName, Pathway pathway, string concernLevel, string acceptedBy, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), referralId, personId, personDisplayName, pathway.Id, pathway.TeamId, CaseStatus.Open, CaseStage.Intake,
            concernLevel, now, acceptedBy, [new CaseChange("Opened", acceptedBy, now, $"From referral {referralId} on pathway {pathway.Name}")]);

    /// <summary>Records the accountable worker; a repeat of the same assignment changes nothing.</summary>
    public SupportCase AssignTo(string workerId, string workerName, DateTimeOffset at) =>
        AssignedWorkerId == workerId
            ? this
            : this with
            {
                AssignedWorkerId = workerId,
                AssignedWorkerName = workerName,
                Timeline = [.. Timeline, new CaseChange("Assigned", "assignment", at, $"Accountable worker: {workerName}")],
            };
}

/// <summary>The one case an accepted referral opened, keyed by the referral id so a second cannot be inserted.</summary>
public sealed record ReferralCase(Guid CaseId);
