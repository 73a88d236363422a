using Casework.Contracts;

namespace Casework.Case.Domain;

/// <summary>
/// A named route a case follows, owned by one team of the region, defined as data: what must be known to
/// leave each stage, the questions of the assessment (and of screening at intake), how often cases are
/// reviewed at each concern level, and the outcomes that can be recorded at closure. Every edit publishes a
/// new version; a case keeps the version it started on.
/// </summary>
public sealed record Pathway(string Id, string Name, string TeamId, bool Active)
{
    /// <summary>1 for the first version; 0 only on a record stored before pathways were versioned.</summary>
    public int Version { get; init; }

    public IReadOnlyList<StageRule> Stages { get; init; } = [];
    public IReadOnlyList<Question> AssessmentQuestions { get; init; } = [];
    public IReadOnlyList<Question> ScreeningQuestions { get; init; } = [];
    public ReviewCadence ReviewCadenceDays { get; init; } = ReviewCadence.Default;
    public IReadOnlyList<Outcome> Outcomes { get; init; } = [];
    public DateTimeOffset? PublishedAt { get; init; }
    public string? PublishedBy { get; init; }

    /// <summary>What must be true before a case may leave <paramref name="stage"/>.</summary>
    public IReadOnlyList<string> RequiredToLeave(string stage) =>
        Stages.FirstOrDefault(s => s.Stage == stage)?.RequiredToLeave ?? [];

    /// <summary>Whether two versions define the same thing (an edit that changes nothing publishes no new version).</summary>
    public bool SameDefinitionAs(Pathway other) =>
        Name == other.Name && TeamId == other.TeamId && Active == other.Active && ReviewCadenceDays == other.ReviewCadenceDays &&
        Stages.SequenceEqual(other.Stages, StageRule.Comparer) &&
        AssessmentQuestions.SequenceEqual(other.AssessmentQuestions, Question.Comparer) &&
        ScreeningQuestions.SequenceEqual(other.ScreeningQuestions, Question.Comparer) &&
        Outcomes.SequenceEqual(other.Outcomes);

    /// <summary>The id of the stored copy of one version (versions are kept for the cases that started on them).</summary>
    public static string VersionId(string pathwayId, int version) => $"{pathwayId}@{version}";
}

/// <summary>What a case must have before it leaves a stage (one of <see cref="StageRequirements"/>).</summary>
public sealed record StageRule(string Stage, IReadOnlyList<string> RequiredToLeave)
{
    public static readonly IEqualityComparer<StageRule> Comparer = EqualityComparer<StageRule>.Create(
        (a, b) => a!.Stage == b!.Stage && a.RequiredToLeave.SequenceEqual(b.RequiredToLeave),
        r => r.Stage.GetHashCode());
}

/// <summary>The information a pathway can require before a case leaves a stage.</summary>
public static class StageRequirements
{
    /// <summary>Every required assessment question is answered.</summary>
    public const string AssessmentComplete = "AssessmentComplete";

    /// <summary>The support plan has at least one goal.</summary>
    public const string SupportPlan = "SupportPlan";

    /// <summary>A review was recorded since the case entered the stage.</summary>
    public const string ReviewRecorded = "ReviewRecorded";

    /// <summary>The case has an accountable worker.</summary>
    public const string AssignedWorker = "AssignedWorker";

    public static readonly IReadOnlyList<string> All = [AssessmentComplete, SupportPlan, ReviewRecorded, AssignedWorker];
}

/// <summary>A question of an assessment or a screening checklist.</summary>
public sealed record Question(string Id, string Text, string Kind, bool Required, IReadOnlyList<string>? Options = null)
{
    public static readonly IEqualityComparer<Question> Comparer = EqualityComparer<Question>.Create(
        (a, b) => a!.Id == b!.Id && a.Text == b.Text && a.Kind == b.Kind && a.Required == b.Required &&
            (a.Options ?? []).SequenceEqual(b.Options ?? []),
        q => q.Id.GetHashCode());
}

/// <summary>An outcome of the pathway's framework, recorded at closure (the evidence funders ask for).</summary>
public sealed record Outcome(string Id, string Label);

/// <summary>The longest time between reviews, in days, at each concern level.</summary>
public sealed record ReviewCadence(int Low, int Medium, int High, int Critical)
{
    public static readonly ReviewCadence Default = new(90, 60, 28, 7);

    public int DaysFor(string concernLevel) => concernLevel switch
    {
        ConcernLevels.Critical => Critical,
        ConcernLevels.High => High,
        ConcernLevels.Medium => Medium,
        _ => Low,
    };
}

/// <summary>One published version of a pathway, kept unchanged for the cases that started on it.</summary>
public sealed record PathwayVersion(Pathway Pathway);

/// <summary>Checks answers against a pathway's questions: each answers a known question, in the form its kind needs.</summary>
public static class Answers
{
    /// <summary>Each problem with the question id it concerns. An unanswered question is not a problem here (the stage rules judge completeness).</summary>
    public static IEnumerable<(string QuestionId, string Message)> Problems(IReadOnlyList<Question> questions, IReadOnlyDictionary<string, string> answers)
    {
        foreach (var (id, answer) in answers)
        {
            var question = questions.FirstOrDefault(q => q.Id == id);
            var problem = question is null ? "Not a question of this pathway." : QuestionKinds.ProblemWith(question.Kind, question.Options, answer);
            if (problem is not null)
            {
                yield return (id, problem);
            }
        }
    }
}
