using System.Globalization;

namespace Casework.Reporting.Domain;

/// <summary>
/// The week and month an instant falls in, by the region's calendar (a case opened at 23:30 UTC on Sunday is a Monday
/// case in a zone ahead of UTC). Stored on the read models as keys ("2026-W05", "2026-01") that trends group by.
/// </summary>
public static class Periods
{
    public static DateOnly Day(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    public static string Week(DateOnly day) =>
        $"{ISOWeek.GetYear(day.ToDateTime(TimeOnly.MinValue)):D4}-W{ISOWeek.GetWeekOfYear(day.ToDateTime(TimeOnly.MinValue)):D2}";

    public static string Month(DateOnly day) => $"{day.Year:D4}-{day.Month:D2}";

    public static string Week(DateTimeOffset at, TimeZoneInfo zone) => Week(Day(at, zone));

    public static string Month(DateTimeOffset at, TimeZoneInfo zone) => Month(Day(at, zone));

    /// <summary>The Monday that starts the ISO week of <paramref name="day"/>.</summary>
    public static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>The region's midnight at the start of <paramref name="day"/>, as an instant.</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}

/// <summary>
/// Which of two changes to the same fields is the later one. Events carry the source's own counter (a case version,
/// an assignment sequence): that decides when both sides have one, because replicas' clocks differ; events sent
/// before the counters existed (0) fall back to their time. A duplicate (same counter) never counts as later.
/// </summary>
public static class Ordering
{
    public static bool IsLater(long version, DateTimeOffset at, long currentVersion, DateTimeOffset? currentAt) =>
        currentAt is not { } seenAt || (version > 0 && currentVersion > 0 ? version > currentVersion : at > seenAt);
}
