namespace Casework.Contracts;

/// <summary>Urgency or risk of a case; drives prioritisation and review frequency.</summary>
public static class ConcernLevels
{
    public const string Low = "Low";
    public const string Medium = "Medium";
    public const string High = "High";
    public const string Critical = "Critical";

    public static readonly IReadOnlyList<string> All = [Low, Medium, High, Critical];

    /// <summary>1 for Low up to 4 for Critical (0 for an unknown level): levels compared by urgency, not by name.</summary>
    public static int Rank(string level) => level switch { Low => 1, Medium => 2, High => 3, Critical => 4, _ => 0 };
}

/// <summary>Where a referral came from.</summary>
public static class ReferralSources
{
    public const string Partner = "partner";
    public const string Staff = "staff";
    public const string Self = "self";
}

/// <summary>
/// How a pathway's question (assessment or screening checklist) is answered. Answers travel and are stored
/// as text in the form each kind checks, the same in every service that records them.
/// </summary>
public static class QuestionKinds
{
    public const string Text = "text";
    public const string YesNo = "yesno";
    public const string Choice = "choice";
    public const string Number = "number";
    public const string Date = "date";

    public static readonly IReadOnlyList<string> All = [Text, YesNo, Choice, Number, Date];

    public const int MaxAnswerLength = 2000;

    /// <summary>What is wrong with <paramref name="answer"/> to a question of this kind, or null when it is well formed.</summary>
    public static string? ProblemWith(string kind, IReadOnlyList<string>? options, string? answer) => kind switch
    {
        _ when string.IsNullOrWhiteSpace(answer) => "An answer cannot be blank; leave the question out instead.",
        _ when answer.Length > MaxAnswerLength => $"An answer can be at most {MaxAnswerLength} characters.",
        YesNo when answer is not ("yes" or "no") => "Answer yes or no.",
        Choice when !(options ?? []).Contains(answer) => $"Answer one of: {string.Join(", ", options ?? [])}.",
        Number when !decimal.TryParse(answer, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _) =>
            "Answer a number, e.g. 3 or 12.5.",
        Date when !DateOnly.TryParseExact(answer, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _) =>
            "Answer a date as YYYY-MM-DD.",
        _ => null,
    };
}

/// <summary>
/// Equality monitoring questions charities ask, answered by the person themself and always optional. These are the
/// default answer lists (after the UK's census 2021 top-level groups and the Equality Act's definition of disability); a
/// region replaces a list in Intake's configuration (Intake:EqualityMonitoring:Gender etc.). Every list offers
/// <see cref="PreferNotToSay"/>, which is an answer (counted as such), unlike leaving the question out (unknown).
/// </summary>
public static class EqualityMonitoring
{
    public const string PreferNotToSay = "Prefer not to say";

    public static readonly IReadOnlyList<string> Genders = ["Woman", "Man", "Non-binary", "In another way", PreferNotToSay];

    public static readonly IReadOnlyList<string> Ethnicities =
    [
        "Asian or Asian British", "Black, Black British, Caribbean or African", "Mixed or multiple ethnic groups", "White",
        "Another ethnic group", PreferNotToSay,
    ];

    /// <summary>Whether the person considers themself disabled (a long-term condition that limits day-to-day activities).</summary>
    public static readonly IReadOnlyList<string> Disabilities = ["Yes", "No", PreferNotToSay];
}
