using Casework.Assignment.Domain;
using Casework.Contracts;
using Xunit;

namespace Casework.Assignment.Tests;

/// <summary>
/// CaseOpened, CaseClosed, CaseReopened and a concern change arriving in every order end in the same state: the domain
/// steps alone, with assigning simulated (a worker is given whenever the step asks for one).
/// </summary>
public sealed class CaseLifecycleTests
{
    private static readonly Guid CaseId = Guid.NewGuid();
    private static readonly DateTimeOffset OpenedAt = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Worker Alice = new() { Id = "alice", Name = "Alice", TeamIds = ["housing"], CapacityHours = 30m };

    private abstract record Event;
    private sealed record Opened : Event;
    private sealed record Closed(long Version) : Event;
    private sealed record Reopened(long Version) : Event;
    private sealed record ConcernChanged(string Level, long Version) : Event;

    /// <summary>Applies the events in order as the consumers do, giving the case to Alice whenever a worker is asked for.</summary>
    private static CaseAssignment? Apply(IEnumerable<Event> events)
    {
        CaseAssignment? stored = null;
        foreach (var e in events)
        {
            var step = e switch
            {
                Opened => CaseLifecycle.WhenOpened(stored, CaseId, "housing", "housing-support", ConcernLevels.Medium, OpenedAt),
                Closed c => CaseLifecycle.WhenClosed(stored, CaseId, OpenedAt.AddDays(c.Version), c.Version, OpenedAt.AddDays(c.Version)),
                Reopened r => CaseLifecycle.WhenReopened(stored, CaseId, r.Version),
                ConcernChanged cc => (stored ?? CaseAssignment.Placeholder(CaseId)).HasConcernFrom(cc.Version)
                    ? LifecycleStep.Nothing
                    : new LifecycleStep((stored ?? CaseAssignment.Placeholder(CaseId)).WithConcern(cc.Level, cc.Version), LifecycleAction.Save),
                _ => throw new InvalidOperationException(),
            };
            stored = step.Action switch
            {
                LifecycleAction.None => stored,
                LifecycleAction.Assign => step.Next!.WeighedBy(ConcernHours.Default).AssignTo(Alice, OpenedAt),
                LifecycleAction.Return => step.Next!.WorkerId is null
                    ? step.Next.WeighedBy(ConcernHours.Default).AssignTo(Alice, OpenedAt)
                    : step.Next.WeighedBy(ConcernHours.Default).Reactivate(),
                _ => step.Next,
            };
        }
        return stored;
    }

    private static IEnumerable<IReadOnlyList<T>> Permutations<T>(IReadOnlyList<T> items) =>
        items.Count <= 1
            ? [items]
            : items.SelectMany((item, i) => Permutations(items.Where((_, j) => j != i).ToList()).Select(rest => (IReadOnlyList<T>)[item, .. rest]));

    public static TheoryData<int> OrdersOfFour => new(Enumerable.Range(0, 24));

    [Theory]
    [MemberData(nameof(OrdersOfFour))]
    public void Opened_closed_reopened_and_a_concern_change_in_any_order_end_open_with_a_worker_at_the_changed_level(int order)
    {
        var events = Permutations<Event>([new Opened(), new Closed(2), new Reopened(3), new ConcernChanged(ConcernLevels.High, 4)]).ElementAt(order);

        var final = Apply(events)!;

        Assert.Equal((AssignmentStatus.Active, "alice", "housing", "housing-support"), (final.Status, final.WorkerId, final.TeamId, final.PathwayId));
        Assert.Equal((ConcernLevels.High, OpenedAt), (final.ConcernLevel, final.OpenedAt));
        Assert.True(final.IsOpen);
    }

    public static TheoryData<int> OrdersOfThree => new(Enumerable.Range(0, 6));

    [Theory]
    [MemberData(nameof(OrdersOfThree))]
    public void Opened_closed_and_a_concern_change_in_any_order_end_closed_with_the_opened_facts_kept(int order)
    {
        var events = Permutations<Event>([new Opened(), new Closed(2), new ConcernChanged(ConcernLevels.Low, 3)]).ElementAt(order);

        var final = Apply(events)!;

        Assert.Equal((AssignmentStatus.Released, "housing", "housing-support", ConcernLevels.Low), (final.Status, final.TeamId, final.PathwayId, final.ConcernLevel));
        Assert.False(final.IsOpen);
        Assert.False(final.NeedsWorker);
    }

    [Theory]
    [MemberData(nameof(OrdersOfThree))]
    public void Opened_and_closed_twice_with_a_reopening_between_end_closed_whatever_the_order_of_the_reopening_and_the_second_closure(int order)
    {
        var events = Permutations<Event>([new Opened(), new Reopened(3), new Closed(4)]).ElementAt(order).Prepend(new Closed(2));

        var final = Apply(events)!;

        Assert.Equal((AssignmentStatus.Released, "housing"), (final.Status, final.TeamId));
        Assert.False(final.NeedsWorker);
    }

    [Fact]
    public void The_permutations_are_every_order_once() =>
        Assert.Equal(24, Permutations<int>([1, 2, 3, 4]).Select(p => string.Join(",", p)).Distinct().Count());
}
