using Casework.Assignment.Domain;
using Xunit;

namespace Casework.Assignment.Tests;

/// <summary>The worker-choice rules, without any server.</summary>
public sealed class WorkerSelectionTests
{
    private static Worker W(string id, int capacity, int open) =>
        new(id, id, "team", capacity, open);

    [Fact]
    public void Chooses_the_most_free_capacity()
    {
        var chosen = WorkerSelection.Choose([W("a", 10, 8), W("b", 5, 1), W("c", 20, 17)], Guid.NewGuid());
        Assert.Equal("b", chosen?.Id);
    }

    [Fact]
    public void Ties_on_free_capacity_go_to_the_fewest_open_cases()
    {
        Assert.Equal("b", WorkerSelection.Choose([W("a", 10, 6), W("b", 5, 1), W("c", 8, 4)], Guid.NewGuid())?.Id);
    }

    [Fact]
    public void Among_equally_loaded_workers_the_case_picks_one_the_same_way_every_time_and_cases_spread()
    {
        Worker[] tied = [W("b", 5, 2), W("c", 5, 2), W("a", 5, 2), W("d", 5, 2)];
        var cases = Enumerable.Range(0, 200).Select(_ => Guid.CreateVersion7()).ToList();

        var chosen = cases.Select(c => WorkerSelection.Choose(tied, c)!.Id).ToList();

        Assert.Equal(chosen, cases.Select(c => WorkerSelection.Choose(tied.Reverse(), c)!.Id));
        Assert.Equal(["a", "b", "c", "d"], chosen.Distinct().Order());
        Assert.All(chosen.GroupBy(id => id), g => Assert.InRange(g.Count(), 20, 80));
    }

    [Fact]
    public void When_everyone_is_full_the_least_overloaded_still_gets_the_case()
    {
        var chosen = WorkerSelection.Choose([W("a", 2, 4), W("b", 3, 3), W("c", 1, 2)], Guid.NewGuid());
        Assert.Equal("b", chosen?.Id);
        Assert.True(chosen!.IsFull);
    }

    [Fact]
    public void Nobody_to_choose_from_gives_null() => Assert.Null(WorkerSelection.Choose([], Guid.NewGuid()));

    [Fact]
    public void Taking_a_case_counts_it_and_releasing_frees_it_but_never_below_none()
    {
        var worker = W("a", 3, 0).Take().Take();
        Assert.Equal(2, worker.OpenCases);
        Assert.Equal(1, worker.FreeCapacity);
        var released = worker.Release().Release().Release();
        Assert.Equal(0, released.OpenCases);
        Assert.Equal(3, released.FreeCapacity);
    }
}
