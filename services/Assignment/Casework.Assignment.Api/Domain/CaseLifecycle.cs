namespace Casework.Assignment.Domain;

/// <summary>What a lifecycle event asks of the service besides writing <see cref="LifecycleStep.Next"/>.</summary>
public enum LifecycleAction
{
    /// <summary>Nothing to write (a repeated or overtaken event).</summary>
    None,
    /// <summary>Write <see cref="LifecycleStep.Next"/> as it is.</summary>
    Save,
    /// <summary>Give the case a worker by the automatic rule (or queue it), then write it.</summary>
    Assign,
    /// <summary>Release the hours the case held (when it was Active), then write it released.</summary>
    Release,
    /// <summary>Reopened: back to the worker it had if they still can have it, else <see cref="Assign"/>.</summary>
    Return,
}

public sealed record LifecycleStep(CaseAssignment? Next, LifecycleAction Action)
{
    public static readonly LifecycleStep Nothing = new(null, LifecycleAction.None);
}

/// <summary>
/// How CaseOpened, CaseClosed and CaseReopened change a case's assignment, in whatever order they arrive: closures
/// and reopenings are ordered by the case's version; CaseOpened's facts (team, pathway, level, opened at) are always
/// recorded on a case that lacks them, even when it needs no worker then (closed before it was opened here), so a
/// later reopening finds the team to assign in.
/// </summary>
public static class CaseLifecycle
{
    public static LifecycleStep WhenOpened(
        CaseAssignment? stored, Guid caseId, string teamId, string pathwayId, string concernLevel, DateTimeOffset openedAt, DateOnly? firstReviewOn = null)
    {
        var current = stored ?? CaseAssignment.Placeholder(caseId);
        if (current.OpenedHere)
        {
            // A second CaseOpened: only a case still waiting for a worker is tried again.
            return current.NeedsWorker ? new(current, LifecycleAction.Assign) : LifecycleStep.Nothing;
        }
        var opened = current.Opened(teamId, pathwayId, concernLevel, openedAt);
        if (firstReviewOn is { } due)
        {
            opened = opened.ReviewDue(due, CaseAssignment.OpeningCaseVersion);
        }
        return new(opened, opened.NeedsWorker ? LifecycleAction.Assign : LifecycleAction.Save);
    }

    public static LifecycleStep WhenClosed(CaseAssignment? stored, Guid caseId, DateTimeOffset closedAt, long caseVersion, DateTimeOffset now)
    {
        if (stored is null)
        {
            return new(CaseAssignment.ClosedBeforeOpened(caseId, closedAt, caseVersion), LifecycleAction.Save);
        }
        if (stored.HasApplied(caseVersion))
        {
            return LifecycleStep.Nothing; // a reopening after this closure overtook it (or this closure was applied)
        }
        if (stored.Status == AssignmentStatus.Released)
        {
            return new(stored with { LifecycleVersion = Math.Max(stored.LifecycleVersion, caseVersion), ReopenedLast = false }, LifecycleAction.Save);
        }
        return new(stored.Release(caseVersion, now), LifecycleAction.Release);
    }

    public static LifecycleStep WhenReopened(CaseAssignment? stored, Guid caseId, long caseVersion)
    {
        if (stored is null)
        {
            return new(CaseAssignment.ReopenedBeforeOpened(caseId, caseVersion), LifecycleAction.Save);
        }
        if (stored.HasApplied(caseVersion))
        {
            return LifecycleStep.Nothing; // closed again after this reopening, or applied before
        }
        var reopened = stored.Reopened(caseVersion);
        // Still active (the reopening overtook its closure) or queued; or not opened here yet (CaseOpened will assign).
        return reopened.Status != AssignmentStatus.Released || !reopened.OpenedHere
            ? new(reopened, LifecycleAction.Save)
            : new(reopened, LifecycleAction.Return);
    }
}
