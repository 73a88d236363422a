using Casework.Contracts;

namespace Casework.Intake.Domain;

/// <summary>
/// The answers this region accepts to the equality monitoring questions (gender, ethnicity, disability): the defaults of
/// <see cref="EqualityMonitoring"/> unless Intake's configuration replaces a list. An answer must be one of its list,
/// spelled exactly so, because reports count people by it. Every list offers "Prefer not to say".
/// </summary>
public sealed record EqualityVocabulary(IReadOnlyList<string> Genders, IReadOnlyList<string> Ethnicities, IReadOnlyList<string> Disabilities)
{
    public const int MaxAnswers = 30;
    public const int MaxAnswerLength = 100;

    public static readonly EqualityVocabulary Default = new(EqualityMonitoring.Genders, EqualityMonitoring.Ethnicities, EqualityMonitoring.Disabilities);

    /// <summary>
    /// A region's lists (null keeps the default), each with "Prefer not to say" added when the region left it out.
    /// </summary>
    /// <exception cref="ArgumentException">A list is empty, too long, repeats an answer, or has a blank or overlong answer.</exception>
    public static EqualityVocabulary Of(IReadOnlyList<string>? genders, IReadOnlyList<string>? ethnicities, IReadOnlyList<string>? disabilities) =>
        new(List("Gender", genders, Default.Genders), List("Ethnicity", ethnicities, Default.Ethnicities), List("Disability", disabilities, Default.Disabilities));

    private static IReadOnlyList<string> List(string name, IReadOnlyList<string>? configured, IReadOnlyList<string> fallback)
    {
        if (configured is null)
        {
            return fallback;
        }
        var answers = configured.Select(a => a?.Trim() ?? "").ToList();
        if (answers.Count is 0 or > MaxAnswers || answers.Any(a => a.Length is 0 or > MaxAnswerLength)
            || answers.Distinct(StringComparer.Ordinal).Count() != answers.Count)
        {
            throw new ArgumentException(
                $"{name}: between 1 and {MaxAnswers} different answers, each of 1 to {MaxAnswerLength} characters.");
        }
        return answers.Contains(EqualityMonitoring.PreferNotToSay) ? answers : [.. answers, EqualityMonitoring.PreferNotToSay];
    }
}
