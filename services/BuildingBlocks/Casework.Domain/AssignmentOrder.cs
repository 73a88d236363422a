namespace Casework.Domain;

/// <summary>
/// The one ordering rule for a case's assignment changes (CaseAssigned, CaseUnassigned), for every service that keeps who is
/// assigned: a change applies only if its sequence is higher than the last one applied, so one that overtook an earlier change
/// is not undone by it. Without a sequence (0: sent before sequences) an assignment always applies, and a release only
/// releases the worker it names (a later assignment may have replaced them) — or anyone when it names nobody.
/// </summary>
public static class AssignmentOrder
{
    /// <summary>Whether an assignment numbered <paramref name="sequence"/> applies after <paramref name="lastApplied"/>.</summary>
    public static bool Applies(long sequence, long lastApplied) => sequence == 0 || sequence > lastApplied;

    /// <summary>Whether a release of <paramref name="releasedWorker"/> applies to a case assigned to <paramref name="currentWorker"/>.</summary>
    public static bool ReleaseApplies(long sequence, long lastApplied, string? currentWorker, string? releasedWorker) =>
        sequence > 0
            ? sequence > lastApplied
            : currentWorker is not null && (string.IsNullOrEmpty(releasedWorker) || releasedWorker == currentWorker);

    /// <summary>The sequence to keep after applying a change numbered <paramref name="sequence"/>.</summary>
    public static long Latest(long sequence, long lastApplied) => Math.Max(sequence, lastApplied);
}
