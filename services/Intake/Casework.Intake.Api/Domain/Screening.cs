using Casework.Contracts;

namespace Casework.Intake.Domain;

/// <summary>A question of a pathway's screening checklist, as Case publishes it.</summary>
public sealed record ScreeningQuestion(string Id, string Text, string Kind, bool Required, IReadOnlyList<string> Options);

/// <summary>The answers to a pathway's screening checklist (eligibility questions), against the version asked.</summary>
public sealed record Screening(
    string PathwayId,
    int PathwayVersion,
    IReadOnlyDictionary<string, string> Answers,
    bool Complete,
    string RecordedBy,
    DateTimeOffset RecordedAt);

/// <summary>Checks screening answers against the checklist of the pathway they are for.</summary>
public static class ScreeningChecklist
{
    /// <summary>Each malformed answer, or an answer to no question of the checklist, by question id.</summary>
    public static IEnumerable<(string QuestionId, string Message)> Problems(IReadOnlyList<ScreeningQuestion> questions, IReadOnlyDictionary<string, string> answers)
    {
        foreach (var (id, answer) in answers)
        {
            var question = questions.FirstOrDefault(q => q.Id == id);
            var problem = question is null ? "Not a question of this pathway's screening checklist." : QuestionKinds.ProblemWith(question.Kind, question.Options, answer);
            if (problem is not null)
            {
                yield return (id, problem);
            }
        }
    }

    /// <summary>The required questions not answered yet.</summary>
    public static IReadOnlyList<string> Unanswered(IReadOnlyList<ScreeningQuestion> questions, IReadOnlyDictionary<string, string> answers) =>
        questions.Where(q => q.Required && !answers.ContainsKey(q.Id)).Select(q => q.Id).ToList();
}
