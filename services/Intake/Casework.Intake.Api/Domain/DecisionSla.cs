namespace Casework.Intake.Domain;

/// <summary>
/// How long staff have to decide a referral: a number of working days after the day it was received.
/// Working days are Monday to Friday in the region's time zone, except the configured non-working
/// dates (bank holidays, closure days). The referral is due by the end of the last of those days, so the
/// time of day it arrived does not matter: with 5 days, one received any time on a Monday is due by the
/// end of the next Monday, and one received over a weekend by the end of the Friday after it.
/// </summary>
public sealed class DecisionSla
{
    private readonly HashSet<DateOnly> _nonWorkingDates;

    public DecisionSla(int workingDays, TimeZoneInfo timeZone, IEnumerable<DateOnly>? nonWorkingDates = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workingDays, 1);
        WorkingDays = workingDays;
        TimeZone = timeZone;
        _nonWorkingDates = [.. nonWorkingDates ?? []];
    }

    public int WorkingDays { get; }

    public TimeZoneInfo TimeZone { get; }

    public bool IsWorkingDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_nonWorkingDates.Contains(date);

    /// <summary>The <paramref name="count"/>-th working day after <paramref name="date"/> (the date itself never counts).</summary>
    public DateOnly AddWorkingDays(DateOnly date, int count)
    {
        var day = date;
        for (var counted = 0; counted < count;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }
        return day;
    }

    /// <summary>
    /// The instant a referral received at <paramref name="receivedAt"/> becomes overdue: midnight (local)
    /// at the end of the last working day it has, in UTC.
    /// </summary>
    public DateTimeOffset DueAt(DateTimeOffset receivedAt)
    {
        var receivedOn = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(receivedAt, TimeZone).DateTime);
        var lastDay = AddWorkingDays(receivedOn, WorkingDays);
        var endOfLastDay = lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Where a clock change skips local midnight, the day ends when the clock jumps (the first valid minute).
        while (TimeZone.IsInvalidTime(endOfLastDay))
        {
            endOfLastDay = endOfLastDay.AddMinutes(1);
        }
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(endOfLastDay, TimeZone), TimeSpan.Zero);
    }
}
