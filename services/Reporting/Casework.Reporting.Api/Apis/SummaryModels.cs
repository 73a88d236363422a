using Casework.Persistence;

namespace Casework.Reporting.Apis;

/// <summary>How many records share one value (a status, a pathway). A null key means "none recorded".</summary>
public sealed record KeyCount(string? Key, long Count)
{
    public static IReadOnlyList<KeyCount> From(IReadOnlyList<GroupCount> groups) => groups.Select(g => new KeyCount(g.Value, g.Count)).ToList();
}

/// <summary>Counts of referrals or cases: the total, by status and by pathway, and how current they are (as the dashboard).</summary>
public sealed record Summary(
    long Total, IReadOnlyList<KeyCount> ByStatus, IReadOnlyList<KeyCount> ByPathway, DateTimeOffset? AsOf = null, DateTimeOffset? LastAppliedAt = null);
