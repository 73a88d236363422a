using System.Text.RegularExpressions;
using Casework.Testing;

namespace Casework.Deploy.Tests;

/// <summary>
/// What a region applies around the charts (k8s/: namespace, operators' resources, Secrets, alerts, dashboard), checked
/// without a cluster by k8s/check.sh: parsing, the Secrets the charts read, PromQL, and the alert rules' unit tests.
/// </summary>
public sealed partial class RegionManifestTests
{
    [Fact]
    public async Task The_region_manifests_pass_every_offline_check()
    {
        // A failed check exits non-zero, and ProcessRunner then fails the test with the script's output.
        var output = await ProcessRunner.RunAsync("bash", ["k8s/check.sh"], timeout: TimeSpan.FromMinutes(2));
        var totals = Totals().Match(output);
        Assert.True(totals.Success, output);
        Assert.Equal("0", totals.Groups["failed"].Value);
        // The alert rules' unit tests are among the checks (promtool, installed by scripts/tools.sh --test).
        Assert.Matches("(?m)^ok .*promtool", output);
        Assert.True(int.Parse(totals.Groups["passed"].Value) >= 20, output);
    }

    [GeneratedRegex(@"(?m)^k8s: (?<passed>\d+) passed, (?<failed>\d+) failed$")]
    private static partial Regex Totals();
}
