namespace Casework.Contracts;

/// <summary>Urgency or risk of a case; drives prioritisation and review frequency.</summary>
public static class ConcernLevels
{
    public const string Low = "Low";
    public const string Medium = "Medium";
    public const string High = "High";
    public const string Critical = "Critical";

    public static readonly IReadOnlyList<string> All = [Low, Medium, High, Critical];
}

/// <summary>Where a referral came from.</summary>
public static class ReferralSources
{
    public const string Partner = "partner";
    public const string Staff = "staff";
    public const string Self = "self";
}
