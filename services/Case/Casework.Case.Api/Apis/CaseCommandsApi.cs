using System.ComponentModel;
using Casework.Case.Domain;
using Casework.Contracts.Events;
using Casework.Contracts;
using Casework.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Case.Apis;

public sealed record MoveStageRequest(
    [property: Description("The stage to move to: Assessment, Active or Review (and back to Active after a review).")] string? Stage,
    [property: Description("Why, for the timeline (optional).")] string? Reason = null);

public sealed record PauseRequest(
    [property: Description("Why support is paused, e.g. a hospital stay.")] string? Reason,
    [property: Description("When support is expected to resume, YYYY-MM-DD, after today.")] DateOnly? ExpectedResumeOn);

public sealed record ReasonRequest([property: Description("Why.")] string? Reason);

public sealed record ConcernRequest(
    [property: Description("Low, Medium, High or Critical.")] string? Level,
    [property: Description("Why the level changes.")] string? Reason);

public sealed record AssessmentRequest(
    [property: Description("Answers by question id (see the pathway's assessmentQuestions): text; yes/no as 'yes' or 'no'; a choice as one of its " +
        "options; a number; a date as YYYY-MM-DD. Replaces the answers recorded before.")] Dictionary<string, string>? Answers);

public sealed record ActionRequest(
    [property: Description("What will be done.")] string? Description,
    [property: Description("Who does it: the person, a worker, a partner.")] string? Owner,
    [property: Description("By when, YYYY-MM-DD (optional).")] DateOnly? TargetOn = null);

public sealed record GoalRequest(
    [property: Description("The goal agreed with the person.")] string? Description,
    [property: Description("Target date, YYYY-MM-DD (optional).")] DateOnly? TargetOn = null,
    [property: Description("Actions towards the goal (optional).")] List<ActionRequest?>? Actions = null);

public sealed record ProgressRequest(
    [property: Description("What happened.")] string? Note,
    [property: Description("The goal's new status, if it changes: InProgress, Achieved or NotAchieved.")] string? Status = null);

public sealed record ReviewRequest(
    [property: Description("What the review found.")] string? Findings,
    [property: Description("When the next review is due, YYYY-MM-DD: after today and within the pathway's cadence for the concern level. " +
        "Default: the longest interval the cadence allows.")] DateOnly? NextReviewOn = null);

public sealed record CloseRequest(
    [property: Description("Why the case closes, e.g. 'Goals achieved', 'Disengaged', 'Moved out of area'.")] string? Reason,
    [property: Description("Outcome ids from the pathway's outcome framework (at least one when it has any).")] List<string>? Outcomes,
    [property: Description("A closing summary of the support given.")] string? Summary);

/// <summary>
/// The case lifecycle for staff of the case's team: stage moves under the pathway's rules, pause/resume,
/// concern level, assessment, support plan, reviews, closure and reopening. Each change is recorded on the
/// timeline with who and when, returns the whole case with its new ETag, and publishes its event through the
/// outbox. Send If-Match with the ETag you read: a stale one gets 412, so a retried request cannot apply twice.
/// </summary>
public static class CaseCommandsApi
{
    private const string IfMatchRule = "Send If-Match with the case's ETag (428 without it, 412 if the case changed since).";
    private const int ReasonLength = 1000;
    private const int TextLength = 4000;

    public static IEndpointRouteBuilder MapCaseCommandsApi(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/cases/{id:guid}").WithTags("Case lifecycle").RequireScope(CaseService.Scope)
            .RequireStaff(CaseworkRoles.Caseworker, CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin);

        cases.MapPost("/stage", MoveStageAsync).WithName("MoveCaseStage")
            .ChangesCase("Move the case to another stage",
                "Intake → Assessment → Active → Review, and Review → Active. The pathway version the case follows says what must be " +
                "known to leave each stage (missingToLeaveStage on the case); a move before that gets 409 listing what is missing. Publishes CaseStageChanged.");
        cases.MapPost("/pause", PauseAsync).WithName("PauseCase")
            .ChangesCase("Pause support, with a reason and an expected resume date",
                "Publishes CaseStatusChanged (Open → Paused). Reviews stay due while paused.");
        cases.MapPost("/resume", ResumeAsync).WithName("ResumeCase")
            .ChangesCase("Resume a paused case",
                "Publishes CaseStatusChanged (Paused → Open).");
        cases.MapPost("/concern", ChangeConcernAsync).WithName("ChangeConcernLevel")
            .ChangesCase("Change the concern level, with a reason",
                "Raising it brings the next review forward to the new level's cadence if that is sooner (ReviewScheduled); lowering " +
                "it keeps the date. Publishes ConcernLevelChanged.");
        cases.MapPut("/assessment", AssessAsync).WithName("RecordAssessment")
            .ChangesCase("Record the assessment's answers",
                "Answers to the questions of the pathway version the case follows. Publishes CaseAssessed (without the answers).");
        cases.MapPost("/goals", AddGoalAsync).WithName("AddGoal")
            .ChangesCase("Add a goal (with actions) to the support plan",
                "Publishes SupportPlanChanged (GoalAdded).");
        cases.MapPost("/goals/{goalId:guid}/progress", RecordProgressAsync).WithName("RecordGoalProgress")
            .ChangesCase("Record progress towards a goal, and optionally mark it achieved or not achieved",
                "Publishes SupportPlanChanged (ProgressRecorded).");
        cases.MapPost("/goals/{goalId:guid}/actions", AddActionAsync).WithName("AddGoalAction")
            .ChangesCase("Add an action to a goal",
                "Publishes SupportPlanChanged (ActionAdded).");
        cases.MapPost("/goals/{goalId:guid}/actions/{actionId:guid}/done", CompleteActionAsync).WithName("CompleteGoalAction")
            .ChangesCase("Mark an action done",
                "Publishes SupportPlanChanged (ActionDone); marking it again changes nothing.");
        cases.MapPost("/reviews", ReviewAsync).WithName("RecordReview")
            .ChangesCase("Record a review: findings and the next review date",
                "Publishes CaseReviewed and ReviewScheduled.");
        cases.MapPost("/close", CloseAsync).WithName("CloseCase")
            .ChangesCase("Close the case with a reason, outcomes and a closing summary",
                "From any stage. Outcomes come from the pathway's framework. A closed case is read-only until reopened. Publishes CaseClosed.");
        cases.MapPost("/reopen", ReopenAsync).WithName("ReopenCase")
            .ChangesCase("Reopen a closed case, with a reason",
                "The case returns to the stage it was closed from, with a review due by the cadence. Publishes CaseReopened and ReviewScheduled.");
        return app;
    }

    /// <summary>What every change says and answers: its summary, what it does (and that it needs If-Match), the whole case or why not.</summary>
    private static RouteHandlerBuilder ChangesCase(this RouteHandlerBuilder endpoint, string summary, string description) => endpoint
        .WithSummary(summary)
        .WithDescription(description + " " + IfMatchRule)
        .ProducesVersionedChange<CaseView>();

    private static Task<IResult> MoveStageAsync(Guid id, MoveStageRequest request, [AsParameters] CaseCommand command)
    {
        var errors = new ValidationErrors();
        errors.OneOf("stage", request.Stage, CaseStage.Working);
        errors.Optional("reason", request.Reason, ReasonLength, multiline: true);
        return errors.Any ? Refuse(errors) : command.ApplyAsync(id, c =>
        {
            var moved = c.Case.MoveTo(request.Stage!, request.Reason, c.Pathway, c.Actor, c.Now);
            c.Publish(new CaseStageChanged(c.Case.Id, c.Case.Stage, moved.Stage, c.Actor, request.Reason, c.Now));
            return moved;
        });
    }

    private static Task<IResult> PauseAsync(Guid id, PauseRequest request, [AsParameters] CaseCommand command)
    {
        var errors = new ValidationErrors();
        errors.Required("reason", request.Reason, ReasonLength, multiline: true);
        errors.Check(request.ExpectedResumeOn is not null, "expectedResumeOn", "Give the date support is expected to resume (YYYY-MM-DD).");
        return errors.Any ? Refuse(errors) : command.ApplyAsync(id, c =>
        {
            var paused = c.Case.PauseUntil(request.ExpectedResumeOn!.Value, request.Reason!, c.Actor, c.Now, c.Today);
            c.Publish(new CaseStatusChanged(c.Case.Id, c.Case.Status, paused.Status, c.Actor, request.Reason!, c.Now));
            return paused;
        });
    }

    private static Task<IResult> ResumeAsync(Guid id, ReasonRequest request, [AsParameters] CaseCommand command)
    {
        var errors = new ValidationErrors();
        errors.Optional("reason", request.Reason, ReasonLength, multiline: true);
        return errors.Any ? Refuse(errors) : command.ApplyAsync(id, c =>
        {
            var resumed = c.Case.Resume(request.Reason, c.Actor, c.Now);
            c.Publish(new CaseStatusChanged(c.Case.Id, c.Case.Status, resumed.Status, c.Actor, request.Reason ?? "Resumed", c.Now));
            return resumed;
        });
    }

    private static Task<IResult> ChangeConcernAsync(Guid id, ConcernRequest request, [AsParameters] CaseCommand command)
    {
        var errors = new ValidationErrors();
        errors.OneOf("level", request.Level, ConcernLevels.All);
        errors.Required("reason", request.Reason, ReasonLength, multiline: true);
        return errors.Any ? Refuse(errors) : command.ApplyAsync(id, c =>
        {
            var changed = c.Case.ChangeConcern(request.Level!, request.Reason!, c.Pathway, c.Actor, c.Now, c.Today);
            c.Publish(new ConcernLevelChanged(c.Case.Id, c.Case.TeamId, c.Case.ConcernLevel, changed.ConcernLevel, c.Actor, request.Reason!, c.Now, c.NextVersion));
            return changed;
        });
    }

    private static Task<IResult> AssessAsync(Guid id, AssessmentRequest request, [AsParameters] CaseCommand command)
    {
        var errors = new ValidationErrors();
        errors.Check(request.Answers is not null, "answers", "Give the answers by question id.");
        return errors.Any ? Refuse(errors) : command.ApplyAsync(id, c =>
        {
            foreach (var (questionId, message) in Answers.Problems(c.Pathway.AssessmentQuestions, request.Answers!))
            {
                throw new DomainInputException($"answers.{questionId}", message);
            }
            var assessed = c.Case.RecordAssessment(request.Answers!, c.Pathway, c.Actor, c.Now);
            c.Publish(new CaseAssessed(c.Case.Id, c.Case.PathwayId, c.Pathway.Version, c.Actor, c.Now));
            return assessed;
        });
    }

    private static Task<IResult> AddGoalAsync(Guid id, GoalRequest request, [AsParameters] CaseCommand command)
    {
        var errors = new ValidationErrors();
        errors.Required("description", request.Description, ReasonLength, multiline: true);
        errors.Check((request.Actions?.Count ?? 0) <= 20, "actions", "A goal can start with at most 20 actions.");
        for (var i = 0; i < (request.Actions?.Count ?? 0); i++)
        {
            if (errors.Check(request.Actions![i] is not null, $"actions[{i}]", "An action cannot be null."))
            {
                ValidateAction(errors, $"actions[{i}].", request.Actions[i]!);
            }
        }
        return errors.Any ? Refuse(errors) : command.ApplyAsync(id, c =>
        {
            var goal = new Goal(Guid.CreateVersion7(c.Now), request.Description!.Trim(), request.TargetOn, GoalStatus.InProgress,
                (request.Actions ?? []).Select(a => NewAction(a!, c.Now)).ToList(), [], c.Actor, c.Now);
            c.Publish(new SupportPlanChanged(c.Case.Id, goal.Id, "GoalAdded", goal.Status, c.Actor, c.Now));
            return c.Case.AddGoal(goal, c.Actor, c.Now);
        });
    }

    private static Task<IResult> RecordProgressAsync(Guid id, Guid goalId, ProgressRequest request, [AsParameters] CaseCommand command)
    {
        var errors = new ValidationErrors();
        errors.Required("note", request.Note, TextLength, multiline: true);
        errors.OneOf("status", request.Status, GoalStatus.All, required: false);
        return errors.Any ? Refuse(errors) : command.ApplyAsync(id, c =>
        {
            var changed = c.Case.RecordProgress(goalId, request.Note!.Trim(), request.Status, c.Actor, c.Now);
            c.Publish(new SupportPlanChanged(c.Case.Id, goalId, "ProgressRecorded", changed.Goals.Single(g => g.Id == goalId).Status, c.Actor, c.Now));
            return changed;
        });
    }

    private static Task<IResult> AddActionAsync(Guid id, Guid goalId, ActionRequest request, [AsParameters] CaseCommand command)
    {
        var errors = new ValidationErrors();
        ValidateAction(errors, "", request);
        return errors.Any ? Refuse(errors) : command.ApplyAsync(id, c =>
        {
            var changed = c.Case.AddAction(goalId, NewAction(request, c.Now), c.Actor, c.Now);
            c.Publish(new SupportPlanChanged(c.Case.Id, goalId, "ActionAdded", changed.Goals.Single(g => g.Id == goalId).Status, c.Actor, c.Now));
            return changed;
        });
    }

    private static Task<IResult> CompleteActionAsync(Guid id, Guid goalId, Guid actionId, [AsParameters] CaseCommand command) =>
        command.ApplyAsync(id, c =>
        {
            var changed = c.Case.CompleteAction(goalId, actionId, c.Actor, c.Now);
            c.Publish(new SupportPlanChanged(c.Case.Id, goalId, "ActionDone", changed.Goals.Single(g => g.Id == goalId).Status, c.Actor, c.Now));
            return changed;
        });

    private static Task<IResult> ReviewAsync(Guid id, ReviewRequest request, [AsParameters] CaseCommand command)
    {
        var errors = new ValidationErrors();
        errors.Required("findings", request.Findings, TextLength, multiline: true);
        return errors.Any ? Refuse(errors) : command.ApplyAsync(id, c =>
        {
            var reviewed = c.Case.RecordReview(request.Findings!.Trim(), request.NextReviewOn, c.Pathway, c.Actor, c.Now, c.Today);
            var review = reviewed.Reviews[^1];
            c.Publish(new CaseReviewed(c.Case.Id, review.Id, review.NextReviewOn, c.Actor, c.Now));
            return reviewed;
        });
    }

    private static Task<IResult> CloseAsync(Guid id, CloseRequest request, [AsParameters] CaseCommand command)
    {
        var errors = new ValidationErrors();
        errors.Required("reason", request.Reason, ReasonLength, multiline: true);
        errors.Required("summary", request.Summary, TextLength, multiline: true);
        errors.Check(request.Outcomes is not null, "outcomes", "Give the outcome ids achieved (an empty list only if the pathway has none).");
        return errors.Any ? Refuse(errors) : command.ApplyAsync(id, c =>
        {
            var closed = c.Case.Close(request.Reason!.Trim(), request.Outcomes!, request.Summary!.Trim(), c.Pathway, c.Actor, c.Now);
            c.Publish(new CaseClosed(c.Case.Id, c.Case.PathwayId, closed.Closure!.Reason, closed.Closure.Outcomes, c.Actor, c.Now, c.NextVersion));
            return closed;
        });
    }

    private static Task<IResult> ReopenAsync(Guid id, ReasonRequest request, [AsParameters] CaseCommand command)
    {
        var errors = new ValidationErrors();
        errors.Required("reason", request.Reason, ReasonLength, multiline: true);
        return errors.Any ? Refuse(errors) : command.ApplyAsync(id, c =>
        {
            var reopened = c.Case.Reopen(request.Reason!.Trim(), c.Pathway, c.Actor, c.Now, c.Today);
            c.Publish(new CaseReopened(c.Case.Id, request.Reason!.Trim(), c.Actor, c.Now, c.NextVersion));
            return reopened;
        });
    }

    private static void ValidateAction(ValidationErrors errors, string prefix, ActionRequest action)
    {
        errors.Required(prefix + "description", action.Description, ReasonLength, multiline: true);
        errors.Required(prefix + "owner", action.Owner, 200);
    }

    private static GoalAction NewAction(ActionRequest action, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), action.Description!.Trim(), action.Owner!.Trim(), action.TargetOn);

    private static Task<IResult> Refuse(ValidationErrors errors) => Task.FromResult<IResult>(errors.ToProblem());
}
