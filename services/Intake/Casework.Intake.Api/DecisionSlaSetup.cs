using Casework.ServiceDefaults;
using Casework.Intake.Domain;

namespace Casework.Intake;

/// <summary>Configuration of the referral decision SLA (section <c>Referrals:DecisionSla</c>).</summary>
public sealed class DecisionSlaOptions
{
    public const string Section = "Referrals:DecisionSla";

    /// <summary>Working days staff have to decide a referral after the day it arrives.</summary>
    public int WorkingDays { get; set; } = 5;

    /// <summary>Weekdays that are not working days (bank holidays, closures), as YYYY-MM-DD.</summary>
    public List<DateOnly> NonWorkingDates { get; set; } = [];
}

public static class DecisionSlaSetup
{
    /// <summary>Registers the <see cref="DecisionSla"/>; a bad setting stops the service at start-up, not on the first referral.</summary>
    public static WebApplicationBuilder AddDecisionSla(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DecisionSlaOptions.Section).Get<DecisionSlaOptions>() ?? new DecisionSlaOptions();
        if (builder.Configuration[$"{DecisionSlaOptions.Section}:TimeZone"] is { } moved)
        {
            // A region that set the old key must not fall back to UTC deadlines without noticing.
            throw new InvalidOperationException(
                $"{DecisionSlaOptions.Section}:TimeZone ('{moved}') moved to {RegionCalendar.Setting}, shared by every service: set that instead.");
        }
        if (options.WorkingDays is < 1 or > 365)
        {
            throw new InvalidOperationException($"{DecisionSlaOptions.Section}:WorkingDays must be between 1 and 365.");
        }
        // Working days begin and end in the region's time zone (Region:TimeZone).
        builder.Services.AddSingleton(services =>
            new DecisionSla(options.WorkingDays, services.GetRequiredService<RegionCalendar>().Zone, options.NonWorkingDates));
        return builder;
    }
}
