using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.ServiceDefaults;

/// <summary>
/// The region's calendar: which date it is there (review dates, due dates, working days). One setting,
/// <c>Region:TimeZone</c> (an IANA zone such as Europe/London; default UTC), shared by every service, so
/// "overdue" means the same thing in Intake and in Case.
/// </summary>
public sealed class RegionCalendar(TimeZoneInfo zone)
{
    public const string Setting = "Region:TimeZone";

    public TimeZoneInfo Zone { get; } = zone;

    /// <summary>The region's date at the instant <paramref name="now"/>.</summary>
    public DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);

    public static readonly RegionCalendar Utc = new(TimeZoneInfo.Utc);

    /// <summary>Registers the calendar; an unknown zone stops the service at start-up rather than on the first date.</summary>
    public static void AddTo(WebApplicationBuilder builder)
    {
        var id = builder.Configuration[Setting] ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            throw new InvalidOperationException($"{Setting} '{id}' is not a known time zone (use an IANA id such as Europe/London).");
        }
        builder.Services.AddSingleton(new RegionCalendar(zone));
    }
}
