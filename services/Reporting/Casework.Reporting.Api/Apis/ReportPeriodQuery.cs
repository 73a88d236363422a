using System.Globalization;
using Casework.Reporting.Rendering;
using Casework.ServiceDefaults;

namespace Casework.Reporting.Apis;

/// <summary>
/// The period of a published report (impact report, regional rollup, national report) as a query names it: whole calendar
/// months, from the first day of one to the last day of another, at most <see cref="MaxMonths"/>, years 2000 to 2099.
/// Whole months because suppression protects each report, not the difference of two: reports a day apart would give
/// that day's counts exactly ("one case opened on the 31st").
/// </summary>
public static class ReportPeriodQuery
{
    public const int MaxMonths = 36;

    /// <summary>The period, or null with the reasons added to <paramref name="errors"/> (naming from or to).</summary>
    public static ReportPeriod? Read(ValidationErrors errors, string? from, string? to)
    {
        var start = Day(errors, "from", from);
        var end = Day(errors, "to", to);
        if (start is not { } f || end is not { } t)
        {
            return null;
        }
        var wholeMonths = errors.Check(f.Day == 1, "from", "A report starts on the first day of a month (whole months only).")
            & errors.Check(t.Day == DateTime.DaysInMonth(t.Year, t.Month), "to", "A report ends on the last day of a month (whole months only).");
        if (!wholeMonths || !errors.Check(t >= f, "to", "to is on or after from."))
        {
            return null;
        }
        var months = (t.Year - f.Year) * 12 + t.Month - f.Month + 1;
        return errors.Check(months <= MaxMonths, "to", $"A report covers at most {MaxMonths} months.") ? ReportPeriod.Of(f, t) : null;
    }

    private static DateOnly? Day(ValidationErrors errors, string field, string? text)
    {
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            errors.Add(field, "A date (yyyy-MM-dd) is required.");
            return null;
        }
        return errors.Check(day.Year is >= 2000 and <= 2099, field, "A year from 2000 to 2099.") ? day : null;
    }
}
