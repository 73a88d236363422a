using Casework.Domain;

namespace Casework.Assignment.Domain;

/// <summary>
/// Moving a worker's cases to others in one go (they leave, or are away): every case gets a target or none does.
/// Targets are checked as they fill up, so two cases cannot both count on the same free hours.
/// </summary>
public static class HandoverPlan
{
    /// <summary>The most cases one handover moves (one commit; a bigger caseload is handed over in several).</summary>
    public const int MaxCases = 500;

    /// <summary>
    /// Gives each case a target: the one named in <paramref name="explicitTargets"/> when there is one, otherwise the
    /// eligible target with the most free hours left (ties: the first in the order given). Heaviest cases are placed
    /// first so they are not left until only crumbs of capacity remain. Throws <see cref="HandoverRefusedException"/>
    /// naming the first case that cannot go and the target it would have gone to; nothing is planned then.
    /// </summary>
    public static IReadOnlyDictionary<Guid, string> Distribute(
        IReadOnlyList<CaseToPlace> cases, IReadOnlyList<Worker> targets, IReadOnlyDictionary<Guid, string>? explicitTargets = null)
    {
        var loads = targets.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var plan = new Dictionary<Guid, string>();
        var ordered = cases
            .OrderBy(c => explicitTargets?.ContainsKey(c.CaseId) == true ? 0 : 1) // named ones first: they have no alternative
            .ThenByDescending(c => c.Hours)
            .ThenBy(c => c.CaseId);
        foreach (var placed in ordered)
        {
            Worker target;
            if (explicitTargets is not null && explicitTargets.TryGetValue(placed.CaseId, out var named))
            {
                target = loads.TryGetValue(named, out var found)
                    ? found
                    : throw new HandoverRefusedException(placed.CaseId, named, $"{named} is not one of the handover's targets.");
            }
            else
            {
                // The best fit, or (when nobody fits) the one with most room, to name in the refusal.
                target = loads.Values
                    .OrderBy(t => t.WhyNot(placed.TeamId, placed.PathwayId, placed.Hours) is null ? 0 : 1)
                    .ThenByDescending(t => t.FreeHours)
                    .FirstOrDefault()
                    ?? throw new HandoverRefusedException(placed.CaseId, "", "No target workers were given.");
            }
            if (target.WhyNot(placed.TeamId, placed.PathwayId, placed.Hours) is { } reason)
            {
                throw new HandoverRefusedException(placed.CaseId, target.Id, reason);
            }
            loads[target.Id] = target.Take(placed.ConcernLevel, placed.Hours);
            plan[placed.CaseId] = target.Id;
        }
        return plan;
    }
}

/// <summary>A handover that cannot be done as asked: which case, to which target, and why (409; nothing moved).</summary>
public sealed class HandoverRefusedException(Guid caseId, string targetWorkerId, string reason)
    : DomainRuleException($"Case {caseId} cannot go to {(targetWorkerId == "" ? "anyone" : targetWorkerId)}: {reason} Nothing was handed over.")
{
    public Guid CaseId { get; } = caseId;
    public string TargetWorkerId { get; } = targetWorkerId;
    public string Reason { get; } = reason;
}
