using Casework.Contracts;

namespace Casework.Assignment.Domain;

/// <summary>
/// The hours a week one case takes of its worker, by concern level. Decimals are allowed (a Low case may take half
/// an hour). A level the table does not know (an old or misspelt one) is counted as Medium: present, never free.
/// </summary>
public sealed record ConcernHours(decimal Low, decimal Medium, decimal High, decimal Critical)
{
    /// <summary>The table of a team nobody configured (e.g. a team only the pathways know).</summary>
    public static readonly ConcernHours Default = new(1m, 2m, 3m, 5m);

    /// <summary>More than a working week for one case is a typing error, not a case.</summary>
    public const decimal MaxHours = 40m;

    public decimal For(string? level) => level switch
    {
        ConcernLevels.Low => Low,
        ConcernLevels.High => High,
        ConcernLevels.Critical => Critical,
        _ => Medium,
    };

    /// <summary>What is wrong with the table, by level, or nothing.</summary>
    public IEnumerable<(string Level, string Problem)> Problems()
    {
        foreach (var level in ConcernLevels.All)
        {
            var hours = For(level);
            if (hours < 0 || hours > MaxHours)
            {
                yield return (level, $"Hours must be between 0 and {MaxHours}.");
            }
            else if (decimal.Round(hours, 2) != hours)
            {
                yield return (level, "Hours can have at most two decimals.");
            }
        }
    }
}

/// <summary>
/// A team of workers: the pathways it serves and how many hours a case takes by concern level. A case's team comes
/// from its pathway (in Case); the team here says how heavy its cases are.
/// </summary>
public sealed record Team(string Id, string Name, IReadOnlyList<string> PathwayIds, ConcernHours HoursPerCase)
{
    /// <summary>Cases of a team with no settings here are weighed by the default table.</summary>
    public static ConcernHours HoursOf(Team? team) => team?.HoursPerCase ?? ConcernHours.Default;
}
