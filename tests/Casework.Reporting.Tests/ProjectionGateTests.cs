using Casework.Reporting.Projections;
using Xunit;

namespace Casework.Reporting.Tests;

/// <summary>The hold a rebuild takes: it waits for events being applied, and consumers wait for it.</summary>
public sealed class ProjectionGateTests
{
    [Fact]
    public async Task A_hold_waits_for_applying_consumers_and_holds_new_ones_until_released()
    {
        var gate = new ProjectionGate();
        var applying = await gate.EnterAsync(CancellationToken.None);

        var hold = gate.TryHoldAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(hold.IsCompleted);
        var waiting = gate.EnterAsync(CancellationToken.None);

        applying.Dispose();
        var held = await hold.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(held);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        Assert.Null(await gate.TryHoldAsync(CancellationToken.None));

        held!.Dispose();
        (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.False(gate.IsHeld);
    }
}
