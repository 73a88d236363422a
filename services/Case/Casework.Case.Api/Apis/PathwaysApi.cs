using System.ComponentModel;
using System.Text.RegularExpressions;
using Casework.Case.Domain;
using Casework.Contracts;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Case.Apis;

public sealed record QuestionRequest(
    [property: Description("Stable id the answers are keyed by: lower-case letters, digits and dashes.")] string? Id,
    [property: Description("The question as staff see it.")] string? Text,
    [property: Description("text, yesno, choice, number or date.")] string? Kind,
    [property: Description("Whether the assessment (or screening) is complete only with an answer.")] bool Required = false,
    [property: Description("The options of a choice question.")] List<string>? Options = null);

public sealed record StageRuleRequest(
    [property: Description("Intake, Assessment, Active or Review.")] string? Stage,
    [property: Description("What must be true to leave it: AssessmentComplete, SupportPlan, ReviewRecorded, AssignedWorker.")] List<string>? RequiredToLeave);

public sealed record OutcomeRequest(
    [property: Description("Stable id recorded at closure: lower-case letters, digits and dashes.")] string? Id,
    [property: Description("The outcome as staff and funders read it.")] string? Label);

public sealed record PathwayRequest(
    [property: Description("On create only: the pathway's id, lower-case letters, digits and dashes (e.g. debt-advice).")] string? Id,
    [property: Description("Display name.")] string? Name,
    [property: Description("The team that owns the pathway's cases.")] string? TeamId,
    [property: Description("Whether new referrals can be accepted onto it.")] bool Active = true,
    [property: Description("Rules for leaving each stage.")] List<StageRuleRequest?>? Stages = null,
    [property: Description("The questions of the assessment.")] List<QuestionRequest?>? AssessmentQuestions = null,
    [property: Description("The eligibility checklist used when screening referrals.")] List<QuestionRequest?>? ScreeningQuestions = null,
    [property: Description("The longest time between reviews in days at each concern level; Critical ≤ High ≤ Medium ≤ Low. Default 90/60/28/7.")]
    ReviewCadence? ReviewCadenceDays = null,
    [property: Description("The outcome framework: what can be recorded at closure (at least one).")] List<OutcomeRequest?>? Outcomes = null);

/// <summary>
/// Pathways as data: every member of staff reads them; admins create and edit them. An edit publishes a new
/// version (the old one stays for the cases that started on it) and PathwayPublished.
/// </summary>
public static partial class PathwaysApi
{
    public static IEndpointRouteBuilder MapPathwaysApi(this IEndpointRouteBuilder app)
    {
        var pathways = app.MapGroup("/api/cases/pathways").WithTags("Pathways").RequireScope(CaseService.Scope).RequireStaff();

        pathways.MapGet("", ListAsync).WithName("ListPathways")
            .WithSummary("The pathways of this region, current versions")
            .Produces<List<Pathway>>();
        pathways.MapGet("/{pathwayId}", GetAsync).WithName("GetPathway")
            .WithSummary("One pathway, current version (the ETag is for If-Match on edit)")
            .Produces<Pathway>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        pathways.MapGet("/{pathwayId}/versions/{version:int}", GetVersionAsync).WithName("GetPathwayVersion")
            .WithSummary("One published version of a pathway (the one a case follows is its pathwayVersion)")
            .Produces<Pathway>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        pathways.MapPost("", CreateAsync).WithName("CreatePathway")
            .RequireStaff(CaseworkRoles.Admin)
            .WithSummary("Create a pathway (admins)")
            .WithDescription("Publishes version 1 and PathwayPublished.")
            .Produces<Pathway>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        pathways.MapPut("/{pathwayId}", EditAsync).WithName("EditPathway")
            .RequireStaff(CaseworkRoles.Admin)
            .WithSummary("Edit a pathway: publishes its next version (admins)")
            .WithDescription("Send the whole definition (the id is the path's). Cases keep the version they started on; new cases follow the new one. " +
                "Sending the current definition again publishes nothing. Send If-Match with the ETag you read (412 if someone published since).")
            .Produces<Pathway>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return app;
    }

    private static async Task<IResult> ListAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync<Pathway>(new DocumentQuery { OrderBy = "name", Limit = 500, CountLimit = 0 }, cancellationToken);
        return TypedResults.Ok(page.Items.Select(p => p.Document).ToList());
    }

    private static async Task<IResult> GetAsync(string pathwayId, HttpContext http, PathwayCatalog pathways, CancellationToken cancellationToken)
    {
        var stored = await pathways.CurrentAsync(pathwayId, cancellationToken);
        if (stored is null)
        {
            return NotFound();
        }
        ETags.Set(http.Response, stored.Version);
        return TypedResults.Ok(stored.Document);
    }

    private static async Task<IResult> GetVersionAsync(string pathwayId, int version, PathwayCatalog pathways, CancellationToken cancellationToken) =>
        await pathways.VersionAsync(pathwayId, version, cancellationToken) is { } pathway ? TypedResults.Ok(pathway) : NotFound();

    private static async Task<IResult> CreateAsync(PathwayRequest request, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (errors.Required("id", request.Id, 64))
        {
            errors.Check(Slug().IsMatch(request.Id!), "id", "Use lower-case letters, digits and dashes, starting with a letter or digit.");
        }
        var definition = Validate(errors, request);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (await store.GetAsync<Pathway>(request.Id!, cancellationToken) is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A pathway with this id exists.",
                detail: $"Edit it with PUT /api/cases/pathways/{request.Id}.");
        }
        var pathway = definition with { Id = request.Id!, Version = 1, PublishedAt = clock.GetUtcNow(), PublishedBy = http.ActorId() };
        await using var session = store.OpenSession();
        session.Insert(pathway.Id, pathway);
        Publish(session, pathway);
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, 1);
        return TypedResults.Created($"/api/cases/pathways/{pathway.Id}", pathway);
    }

    private static async Task<IResult> EditAsync(
        string pathwayId, PathwayRequest request, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Check(request.Id is null || request.Id == pathwayId, "id", "The id cannot change; leave it out or send the path's.");
        var definition = Validate(errors, request);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        await using var session = store.OpenSession();
        var (current, refusal) = await session.ReadForChangeAsync<Pathway>(pathwayId, http.Request, NotFound, cancellationToken);
        if (current is null)
        {
            return refusal!;
        }
        if (definition.SameDefinitionAs(current.Document))
        {
            ETags.Set(http.Response, current.Version);
            return TypedResults.Ok(current.Document);
        }
        var next = definition with
        {
            Id = pathwayId,
            Version = Math.Max(current.Document.Version, 1) + 1,
            PublishedAt = clock.GetUtcNow(),
            PublishedBy = http.ActorId(),
        };
        session.Update(pathwayId, next, current.Version);
        Publish(session, next);
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, current.Version + 1);
        return TypedResults.Ok(next);
    }

    /// <summary>Keeps the version for the cases that will follow it, and announces it.</summary>
    public static void Publish(IDocumentSession session, Pathway pathway)
    {
        session.Insert(Pathway.VersionId(pathway.Id, pathway.Version), new PathwayVersion(pathway));
        session.Publish(new PathwayPublished(pathway.Id, pathway.Version, pathway.Name, pathway.TeamId, pathway.Active,
            pathway.PublishedBy ?? "system", pathway.PublishedAt ?? DateTimeOffset.UtcNow,
            pathway.Outcomes.Select(o => new PathwayOutcome(o.Id, o.Label)).ToList()));
    }

    /// <summary>Checks a definition and builds it (without id and version), naming each field that is wrong.</summary>
    private static Pathway Validate(ValidationErrors errors, PathwayRequest request)
    {
        errors.Required("name", request.Name, 200);
        errors.Required("teamId", request.TeamId, 64);

        var stages = NonNull(errors, "stages", request.Stages);
        for (var i = 0; i < stages.Count; i++)
        {
            errors.OneOf($"stages[{i}].stage", stages[i].Stage, CaseStage.Working);
            foreach (var requirement in stages[i].RequiredToLeave ?? [])
            {
                errors.OneOf($"stages[{i}].requiredToLeave", requirement, StageRequirements.All);
            }
        }
        errors.Check(stages.Select(s => s.Stage).Distinct().Count() == stages.Count, "stages", "Give each stage's rules once.");

        var assessmentQuestions = NonNull(errors, "assessmentQuestions", request.AssessmentQuestions);
        var screeningQuestions = NonNull(errors, "screeningQuestions", request.ScreeningQuestions);
        ValidateQuestions(errors, "assessmentQuestions", assessmentQuestions);
        ValidateQuestions(errors, "screeningQuestions", screeningQuestions);

        var cadence = request.ReviewCadenceDays ?? ReviewCadence.Default;
        int[] days = [cadence.Critical, cadence.High, cadence.Medium, cadence.Low];
        errors.Check(days.All(d => d is >= 1 and <= 366), "reviewCadenceDays", "Each interval is 1 to 366 days.");
        errors.Check(days.SequenceEqual(days.Order()), "reviewCadenceDays", "A higher concern level cannot be reviewed less often: Critical ≤ High ≤ Medium ≤ Low.");

        var outcomes = NonNull(errors, "outcomes", request.Outcomes);
        errors.Check(outcomes.Count is >= 1 and <= 50, "outcomes", "Give the outcome framework: 1 to 50 outcomes.");
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (errors.Required($"outcomes[{i}].id", outcomes[i].Id, 64))
            {
                errors.Check(Slug().IsMatch(outcomes[i].Id!), $"outcomes[{i}].id", "Use lower-case letters, digits and dashes.");
            }
            errors.Required($"outcomes[{i}].label", outcomes[i].Label, 200);
        }
        errors.Check(outcomes.Select(o => o.Id).Distinct().Count() == outcomes.Count, "outcomes", "Each outcome id once.");

        return new Pathway("", request.Name?.Trim() ?? "", request.TeamId?.Trim() ?? "", request.Active)
        {
            Stages = stages.Select(s => new StageRule(s.Stage ?? "", (s.RequiredToLeave ?? []).Distinct().ToList())).ToList(),
            AssessmentQuestions = ToQuestions(assessmentQuestions),
            ScreeningQuestions = ToQuestions(screeningQuestions),
            ReviewCadenceDays = cadence,
            Outcomes = outcomes.Select(o => new Outcome(o.Id ?? "", o.Label?.Trim() ?? "")).ToList(),
        };
    }

    private static void ValidateQuestions(ValidationErrors errors, string field, List<QuestionRequest> questions)
    {
        errors.Check(questions.Count <= 100, field, "At most 100 questions.");
        for (var i = 0; i < questions.Count; i++)
        {
            var q = questions[i];
            var prefix = $"{field}[{i}].";
            if (errors.Required(prefix + "id", q.Id, 64))
            {
                errors.Check(Slug().IsMatch(q.Id!), prefix + "id", "Use lower-case letters, digits and dashes.");
            }
            errors.Required(prefix + "text", q.Text, 500);
            errors.OneOf(prefix + "kind", q.Kind, QuestionKinds.All);
            if (q.Kind == QuestionKinds.Choice)
            {
                errors.Check(q.Options is { Count: >= 2 } && q.Options.All(o => !string.IsNullOrWhiteSpace(o) && o.Length <= 200) &&
                    q.Options.Distinct().Count() == q.Options.Count, prefix + "options", "A choice needs at least two distinct, non-blank options.");
            }
            else
            {
                errors.Check(q.Options is null or { Count: 0 }, prefix + "options", "Only a choice question has options.");
            }
        }
        errors.Check(questions.Select(q => q.Id).Distinct().Count() == questions.Count, field, "Each question id once.");
    }

    /// <summary>The list without null entries, each of which is an error at its index ({field}[i]).</summary>
    private static List<T> NonNull<T>(ValidationErrors errors, string field, List<T?>? items) where T : class
    {
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            errors.Check(items![i] is not null, $"{field}[{i}]", "An entry cannot be null.");
        }
        return (items ?? []).OfType<T>().ToList();
    }

    private static List<Question> ToQuestions(List<QuestionRequest> questions) =>
        questions.Select(q => new Question(q.Id ?? "", q.Text?.Trim() ?? "", q.Kind ?? "", q.Required,
            q.Kind == QuestionKinds.Choice ? q.Options : null)).ToList();

    private static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The pathway was not found.");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex Slug();
}
