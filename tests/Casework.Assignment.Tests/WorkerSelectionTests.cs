using Casework.Assignment.Domain;
using Casework.Domain;
using Xunit;

namespace Casework.Assignment.Tests;

/// <summary>The capacity, choice and handover rules, without any server.</summary>
public sealed class WorkerSelectionTests
{
    private const string Team = "team";

    private static Worker W(string id, decimal capacity, decimal load = 0, int open = 0, string availability = WorkerAvailability.Available,
        string[]? pathways = null, string team = Team) => new()
    {
        Id = id,
        Name = id,
        TeamIds = [team],
        CapacityHours = capacity,
        Availability = availability,
        PathwayIds = pathways ?? [],
        Load = new WorkerLoad(open, load, 0, open, 0, 0),
    };

    private static CaseToPlace Case(decimal hours, string pathway = "p", Guid? id = null, string level = "Medium") =>
        new(id ?? Guid.NewGuid(), Team, pathway, level, hours);

    [Theory]
    [InlineData("Low", 1)]
    [InlineData("Medium", 2)]
    [InlineData("High", 3)]
    [InlineData("Critical", 5)]
    [InlineData("Unheard-of", 2)]
    public void Hours_per_case_come_from_the_concern_level(string level, decimal hours) => Assert.Equal(hours, ConcernHours.Default.For(level));

    [Fact]
    public void A_team_table_may_use_decimals_but_not_negative_or_absurd_hours()
    {
        Assert.Empty(new ConcernHours(0.5m, 1.25m, 2m, 4m).Problems());
        Assert.Equal(["Low", "Critical"], new ConcernHours(-1m, 1m, 2m, 41m).Problems().Select(p => p.Level));
        Assert.Equal(["Medium"], new ConcernHours(1m, 1.255m, 2m, 3m).Problems().Select(p => p.Level));
    }

    [Fact]
    public void Load_counts_cases_hours_and_levels_and_never_goes_below_none()
    {
        var load = WorkerLoad.None.Add("High", 3m).Add("Low", 1m).Add("High", 3m);
        Assert.Equal(new WorkerLoad(3, 7m, 1, 0, 2, 0), load);
        var released = load.Remove("High", 3m).Remove("High", 3m).Remove("High", 3m).Remove("Low", 1m).Remove("Low", 1m);
        Assert.Equal(WorkerLoad.None, released);
    }

    [Fact]
    public void Free_capacity_is_capacity_minus_load_hours_and_over_capacity_is_flagged()
    {
        var worker = W("a", 10m, load: 11.5m, open: 4);
        Assert.Equal(-1.5m, worker.FreeHours);
        Assert.True(worker.OverCapacity);
        Assert.False(W("b", 10m, load: 10m).OverCapacity);
    }

    [Fact]
    public void Chooses_the_most_free_hours()
    {
        var chosen = WorkerSelection.Choose([W("a", 10, load: 8), W("b", 5, load: 1), W("c", 20, load: 17)], Case(2));
        Assert.Equal("b", chosen?.Id);
    }

    [Fact]
    public void Ties_on_free_hours_go_to_the_fewest_open_cases()
    {
        Assert.Equal("b", WorkerSelection.Choose([W("a", 10, 6, open: 3), W("b", 5, 1, open: 1), W("c", 8, 4, open: 2)], Case(1))?.Id);
    }

    [Fact]
    public void Among_equally_loaded_workers_the_case_picks_one_the_same_way_every_time_and_cases_spread_fairly()
    {
        Worker[] tied = [W("b", 10, 2, 1), W("c", 10, 2, 1), W("a", 10, 2, 1), W("d", 10, 2, 1)];
        var cases = Enumerable.Range(0, 400).Select(_ => Case(2, id: Guid.CreateVersion7())).ToList();

        var chosen = cases.Select(c => WorkerSelection.Choose(tied, c)!.Id).ToList();

        Assert.Equal(chosen, cases.Select(c => WorkerSelection.Choose(tied.Reverse(), c)!.Id));
        Assert.Equal(["a", "b", "c", "d"], chosen.Distinct().Order());
        Assert.All(chosen.GroupBy(id => id), g => Assert.InRange(g.Count(), 60, 140));
    }

    [Fact]
    public void Never_over_capacity_a_case_nobody_has_room_for_gets_nobody()
    {
        Assert.Null(WorkerSelection.Choose([W("a", 10, 9), W("b", 4, 3.5m)], Case(2)));
        Assert.Equal("a", WorkerSelection.Choose([W("a", 10, 8), W("b", 4, 3.5m)], Case(2))?.Id); // exactly full is allowed
    }

    [Fact]
    public void Only_available_workers_of_the_team_on_the_pathway_are_chosen()
    {
        Worker[] workers =
        [
            W("away", 40, availability: WorkerAvailability.Away),
            W("left", 40, availability: WorkerAvailability.Left),
            W("other-pathway", 40, pathways: ["q"]),
            W("other-team", 40, team: "elsewhere"),
            W("on-it", 10, load: 8, pathways: ["p", "q"]),
        ];
        Assert.Equal("on-it", WorkerSelection.Choose(workers, Case(2, pathway: "p"))?.Id);
        Assert.Equal("other-pathway", WorkerSelection.Choose(workers, Case(2, pathway: "q"))?.Id);
    }

    [Fact]
    public void Nobody_to_choose_from_gives_null() => Assert.Null(WorkerSelection.Choose([], Case(1)));

    [Fact]
    public void Why_not_names_the_rule_and_an_override_skips_only_capacity()
    {
        var full = W("full", 4, load: 4);
        Assert.Contains("free hours", full.WhyNot(Team, "p", 2));
        Assert.Null(full.WhyNot(Team, "p", 2, overrideCapacity: true));
        Assert.Contains("Away", W("away", 40, availability: WorkerAvailability.Away).WhyNot(Team, "p", 1, overrideCapacity: true));
        Assert.Contains("not in team", full.WhyNot("elsewhere", "p", 1, overrideCapacity: true));
        Assert.Throws<DomainRuleException>(() => full.EnsureCanTake(Team, "p", 2, overrideCapacity: false));
    }

    [Fact]
    public void A_freed_worker_takes_the_oldest_queued_cases_that_fit_skipping_a_heavy_one()
    {
        var worker = W("a", 10, load: 5);
        var heavy = Case(5.5m);
        var first = Case(2);
        var second = Case(3);
        var third = Case(1);

        var taken = WorkerSelection.FromQueue(worker, [heavy, first, second, third], max: 10);

        Assert.Equal([first.CaseId, second.CaseId], taken.Select(t => t.CaseId)); // 5 free: 2 + 3, then full
        Assert.Empty(WorkerSelection.FromQueue(W("away", 40, availability: WorkerAvailability.Away), [first], 10));
        Assert.Single(WorkerSelection.FromQueue(W("b", 40), [first, second, third], max: 1));
    }

    [Fact]
    public void A_handover_spreads_cases_by_free_capacity_heaviest_first()
    {
        var cases = new[] { Case(2), Case(5, level: "Critical"), Case(1, level: "Low"), Case(3, level: "High") };
        var plan = HandoverPlan.Distribute(cases, [W("x", 10, load: 4), W("y", 8)]);

        // y (8 free) gets the 5; x (6 free) the 3; then both have 3: the first given (x) gets the 2, and y the 1.
        Assert.Equal("y", plan[cases[1].CaseId]);
        Assert.Equal("x", plan[cases[3].CaseId]);
        Assert.Equal("x", plan[cases[0].CaseId]);
        Assert.Equal("y", plan[cases[2].CaseId]);
    }

    [Fact]
    public void A_handover_follows_an_explicit_map_and_places_the_rest()
    {
        var named = Case(2);
        var other = Case(2);
        var plan = HandoverPlan.Distribute([named, other], [W("x", 10), W("y", 4)], new Dictionary<Guid, string> { [named.CaseId] = "y" });
        Assert.Equal("y", plan[named.CaseId]);
        Assert.Equal("x", plan[other.CaseId]);
    }

    [Fact]
    public void A_handover_that_does_not_fit_is_refused_whole_naming_the_case_and_the_target()
    {
        var small = Case(1);
        var big = Case(5);
        var refused = Assert.Throws<HandoverRefusedException>(() => HandoverPlan.Distribute([small, big], [W("x", 4), W("y", 2)]));
        Assert.Equal(big.CaseId, refused.CaseId);
        Assert.Equal("x", refused.TargetWorkerId);
        Assert.Contains(big.CaseId.ToString(), refused.Message);

        // Capacity is used up as the plan fills: three 2-hour cases do not all fit in 5 free hours.
        var three = new[] { Case(2), Case(2), Case(2) };
        Assert.Throws<HandoverRefusedException>(() => HandoverPlan.Distribute(three, [W("x", 5)]));

        var mapped = Case(3);
        var toFull = Assert.Throws<HandoverRefusedException>(() =>
            HandoverPlan.Distribute([mapped], [W("x", 10), W("y", 2)], new Dictionary<Guid, string> { [mapped.CaseId] = "y" }));
        Assert.Equal(("y", mapped.CaseId), (toFull.TargetWorkerId, toFull.CaseId));

        var away = Assert.Throws<HandoverRefusedException>(() => HandoverPlan.Distribute([Case(1)], [W("z", 40, availability: WorkerAvailability.Left)]));
        Assert.Contains("Left", away.Reason);
    }
}
