using Casework.Reporting.Rendering;
using Microsoft.Extensions.Options;

namespace Casework.Reporting.Federation;

/// <summary>
/// Settings every report shares (section <c>Reporting</c>): the impact report and the regional rollup read the same
/// threshold, so a region never publishes one figure two ways.
/// </summary>
public sealed class ReportingOptions
{
    public const string Section = "Reporting";

    /// <summary>Counts from 1 to this minus one are suppressed (<c>Reporting:SmallNumberThreshold</c>, default 5, at least 2).</summary>
    public int SmallNumberThreshold { get; set; } = Rendering.Suppression.DefaultThreshold;

    /// <summary>The region's name printed on its reports (<c>Reporting:RegionName</c>).</summary>
    public string RegionName { get; set; } = "Casework";

    public Suppression CreateSuppression() => new(SmallNumberThreshold);

    /// <summary>Binds the section and refuses to start with a threshold under 2, naming the key.</summary>
    public static void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportingOptions>()
            .Bind(configuration.GetSection(Section))
            .Validate(o => o.SmallNumberThreshold >= 2, "Reporting:SmallNumberThreshold must be at least 2 (a threshold of 1 would publish every count).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.RegionName), "Reporting:RegionName must not be blank.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ReportingOptions>>().Value);
    }
}
