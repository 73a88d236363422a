using Casework.Persistence;
using Xunit;

namespace Casework.Persistence.Tests;

public sealed class DocumentFilterTests
{
    [Fact]
    public void A_clone_has_the_same_conditions_and_grows_on_its_own()
    {
        var shared = new DocumentFilter().Equal("teamId", "housing").In("status", ["Open", "Paused"]);
        var opened = shared.Clone().AtLeast("openedAt", "2026-01-01");
        var closed = shared.Clone().Missing("closedAt");

        Assert.Equal(2, shared.Conditions.Count);
        Assert.Equal(["teamId", "status", "openedAt"], opened.Conditions.Select(c => c.Field));
        Assert.Equal(["2026-01-01"], opened.Conditions[^1].Values);
        Assert.Equal(ConditionKind.Missing, closed.Conditions[^1].Kind);
        Assert.Equal(3, closed.Conditions.Count);
    }
}
