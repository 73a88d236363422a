using System.Security.Cryptography;
using System.Text.Json;
using Casework.Contracts;
using Casework.Contracts.Events;
using Casework.Contracts.Grpc.Case.V1;
using Casework.Intake.Domain;
using Casework.Intake.Webhooks;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Casework.Intake.Apis;

public static class ReferralsApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>Staff who move referrals along (auditors only read).</summary>
    private static readonly string[] DecidingRoles = [CaseworkRoles.Caseworker, CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin];

    public static IEndpointRouteBuilder MapReferralsApi(this IEndpointRouteBuilder app)
    {
        var referrals = app.MapGroup("/api/intake/referrals").WithTags("Referrals");

        referrals.MapPost("", SubmitAsync)
            .RequireScope(IntakeService.ReferralsWriteScope, IntakeService.StaffScope)
            .WithName("SubmitReferral")
            .WithSummary("Submit a referral")
            .WithDescription(
                "Submits a referral for a person. Partner portals use a client-credentials token with scope intake.referrals.write. " +
                "Send an Idempotency-Key header (any printable string up to 200 characters, unique per referral): a retry with the same " +
                "key and body returns the first result (201, with Idempotent-Replayed: true) and never creates a second referral; the same " +
                "key with a different body is refused with 409. Invalid input gets 400 with problem details naming each field.")
            .Produces<ReferralView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        referrals.MapGet("", ListAsync)
            .RequireScope(IntakeService.ReferralsReadScope, IntakeService.StaffScope)
            .WithName("ListReferrals")
            .WithSummary("List referrals, newest first")
            .WithDescription("Partners see only the referrals they submitted; staff see all. Filter by status; page with offset and limit (max 200). " +
                "overdue=true lists only undecided referrals (Received or Screening) past their decision deadline (decisionDueAt), most overdue first.");

        referrals.MapGet("/{id:guid}", GetAsync)
            .RequireScope(IntakeService.ReferralsReadScope, IntakeService.StaffScope)
            .WithName("GetReferral")
            .WithSummary("Get one referral and its status")
            .WithDescription("Partners can read only referrals they submitted (any other id answers 404). The ETag is the version for If-Match.")
            .Produces<ReferralView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        referrals.MapPost("/{id:guid}/withdraw", WithdrawAsync)
            .RequireScope(IntakeService.ReferralsWriteScope, IntakeService.StaffScope)
            .WithName("WithdrawReferral")
            .WithSummary("Withdraw a referral that is not decided yet")
            .WithDescription("A partner portal may withdraw the referrals it submitted (any other id answers 404); staff may withdraw any. " +
                "Only a Received or Screening referral can be withdrawn (409 otherwise). Send If-Match with the ETag you read to avoid racing a decision.")
            .Produces<ReferralView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var decisions = referrals.MapGroup("/{id:guid}")
            .RequireScope(IntakeService.StaffScope)
            .RequireStaff(DecidingRoles);
        decisions.MapPost("/accept", AcceptAsync)
            .WithName("AcceptReferral")
            .WithSummary("Accept a referral onto a pathway (staff)")
            .WithDescription("Opens a case on the pathway. The pathway's screening checklist must be complete for it: recorded before with " +
                "PUT …/screening, or sent here as screening.answers (400 naming each required question still unanswered). Send If-Match with " +
                "the ETag you read to avoid overwriting a concurrent decision.");
        decisions.MapPost("/screen", ScreenAsync)
            .WithName("StartScreening")
            .WithSummary("Start screening a received referral (staff)")
            .WithDescription("Received → Screening: eligibility is being checked before the decision. 409 from any other status.");
        decisions.MapPut("/screening", RecordScreeningAsync)
            .WithName("RecordScreening")
            .WithSummary("Record answers to a pathway's screening checklist (staff)")
            .WithDescription("Eligibility questions of the pathway (GET /api/cases/pathways/{id}, screeningQuestions), answered while the referral is " +
                "Received or Screening; a partial checklist can be saved and completed later. Accepting onto that pathway needs every required " +
                "question answered. The answers replace those recorded before; the same answers again change nothing. Publishes ReferralScreeningRecorded.")
            .Produces<ReferralView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        decisions.MapPost("/decline", DeclineAsync)
            .WithName("DeclineReferral")
            .WithSummary("Decline a referral with a reason (staff)");
        return app;
    }

    private static async Task<IResult> SubmitAsync(
        SubmitReferralRequest request,
        [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        HttpContext http,
        IDocumentStore store,
        TimeProvider clock,
        DecisionSla sla,
        EqualityVocabulary vocabulary,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = ReferralValidation.Validate(request, now, http.User.IsPartner(), vocabulary);
        if (idempotencyKey is not null)
        {
            errors.Check(ReferralValidation.IsValidIdempotencyKey(idempotencyKey), IdempotencyHeader,
                "The header must be 1 to 200 printable characters.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var user = http.User;
        var isPartner = user.IsPartner();
        var clientId = user.ClientId() ?? "unknown";
        var actor = http.ActorId();
        var requestHash = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, DocumentJson.Options)));
        var idempotencyId = idempotencyKey is null ? null : IdempotencyRecord.DocumentId(clientId, idempotencyKey);

        Person person;
        Stored<Person>? onRecord = null;
        if (request.PersonId is { } personId)
        {
            // Someone on record (a merged record's referrals go to the record it was merged into).
            var existing = await store.GetAsync<Person>(personId.ToString(), cancellationToken);
            if (existing?.Document.MergedInto is { } merged)
            {
                existing = await store.GetAsync<Person>(merged.PersonId.ToString(), cancellationToken);
            }
            if (existing is null)
            {
                errors.Add("personId", "There is no person with this id.");
                return errors.ToProblem();
            }
            person = existing.Document;
            onRecord = existing;
        }
        else
        {
            var details = ReferralValidation.ToDetails(request.Person!);
            person = Person.New(Guid.CreateVersion7(now), details, now, actor);
        }
        var referral = Referral.Receive(person, ReferralValidation.SourceOf(request, isPartner), isPartner ? clientId : null,
            request.ReferringOrganisation?.Trim(), request.ExternalReference?.Trim(), request.Reason!.Trim(), request.RequestedPathwayId,
            request.ConcernLevel ?? ConcernLevels.Medium, ReferralValidation.ToConsent(request.Consent!, actor, now), actor, now)
            with { ReferringContact = ReferralValidation.ToContact(request.ReferringContact), DecisionDueAt = sla.DueAt(now) };

        await using var session = store.OpenSession();
        if (request.PersonId is null)
        {
            session.Insert(person.Id.ToString(), person);
            session.Publish(PersonEvents.Registered(person, now));
        }
        else
        {
            // Written back at the version read: a merge of this record committing meanwhile fails one of the two
            // (409), so the referral can never stay on a record merged away.
            session.Update(onRecord!.Id, onRecord.Document, onRecord.Version);
            session.Audit(http, "refer", "person", person.Id.ToString(), now, parentId: referral.Id.ToString());
        }
        session.Insert(referral.Id.ToString(), referral);
        if (idempotencyId is not null)
        {
            session.Insert(idempotencyId, new IdempotencyRecord(clientId, idempotencyKey!, requestHash, referral.Id, now));
        }
        session.Publish(new ReferralReceived(referral.Id, person.Id, referral.Source, referral.PartnerClientId, referral.RequestedPathwayId, now, referral.DecisionDueAt));
        await session.EnqueueStatusWebhookAsync(referral, 1, cancellationToken);
        try
        {
            await session.CommitAsync(cancellationToken);
        }
        catch (DuplicateDocumentException) when (idempotencyId is not null)
        {
            // The key was used before (a retry, or a concurrent one that won the race): answer with the
            // first result. Inserting first and replaying on the conflict saves new referrals (nearly all
            // of them) a read of the key.
            return await ReplayAsync(store, idempotencyId, requestHash, isPartner, http, now, cancellationToken)
                ?? throw new InvalidOperationException("The idempotency record vanished after a conflict.");
        }
        ETags.Set(http.Response, 1);
        return TypedResults.Created($"/api/intake/referrals/{referral.Id}", ReferralView.From(referral, 1, isPartner, now));
    }

    private static async Task<IResult?> ReplayAsync(
        IDocumentStore store, string idempotencyId, string requestHash, bool isPartner, HttpContext http, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var previous = await store.GetAsync<IdempotencyRecord>(idempotencyId, cancellationToken);
        if (previous is null)
        {
            return null;
        }
        if (previous.Document.RequestHash != requestHash)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "The Idempotency-Key was already used for a different request.",
                detail: "Use a new key for a new referral; resend the identical body to retry the first one.");
        }
        var referral = await store.GetAsync<Referral>(previous.Document.ReferralId.ToString(), cancellationToken)
            ?? throw new InvalidOperationException("An idempotency record points at a missing referral.");
        http.Response.Headers["Idempotent-Replayed"] = "true";
        ETags.Set(http.Response, referral.Version);
        return TypedResults.Created($"/api/intake/referrals/{referral.Id}", ReferralView.From(referral.Document, referral.Version, isPartner, now));
    }

    private static async Task<IResult> ListAsync(
        HttpContext http, IDocumentStore store, TimeProvider clock, string? status, bool? overdue, int? offset, int? limit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.OneOf("status", status, ReferralStatus.All, required: false);
        errors.Paging(offset, limit);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var isPartner = http.User.IsPartner();
        var now = clock.GetUtcNow();
        var filter = new DocumentFilter().Equal("status", status);
        if (isPartner)
        {
            filter.Equal("partnerClientId", http.User.ClientId() ?? "");
        }
        if (overdue == true)
        {
            filter.In("status", [ReferralStatus.Received, ReferralStatus.Screening]).LessThan("decisionDueAt", SortableUtc.Format(now));
        }
        var page = await store.QueryAsync<Referral>(new DocumentQuery
        {
            Filter = filter,
            OrderBy = overdue == true ? "decisionDueAt" : "receivedAt",
            Descending = overdue != true,
            Offset = offset ?? 0,
            Limit = limit ?? 50,
        }, cancellationToken);
        return TypedResults.Ok(page.With(page.Items.Select(r => ReferralView.From(r.Document, r.Version, isPartner, now)).ToList()));
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var referral = await FindVisibleAsync(id, http, store, cancellationToken);
        if (referral is null)
        {
            return NotFound();
        }
        ETags.Set(http.Response, referral.Version);
        return TypedResults.Ok(ReferralView.From(referral.Document, referral.Version, http.User.IsPartner(), clock.GetUtcNow()));
    }

    private static async Task<IResult> AcceptAsync(
        Guid id,
        AcceptReferralRequest request,
        HttpContext http,
        IDocumentStore store,
        CaseQueries.CaseQueriesClient cases,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        ReferralValidation.ValidatePathwayId(errors, "pathwayId", request.PathwayId, required: true);
        errors.OneOf("concernLevel", request.ConcernLevel, ConcernLevels.All, required: false);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (pathway, unavailable) = await PathwayForDecisionAsync(cases, request.PathwayId!, errors, cancellationToken);
        if (pathway is null)
        {
            return unavailable ?? errors.ToProblem();
        }
        if (!pathway.Active)
        {
            errors.Add("pathwayId", "The pathway is not open to new cases.");
            return errors.ToProblem();
        }
        var checklist = Checklist(pathway);
        if (request.Screening is { } inline && CheckAnswers(errors, "screening.answers", checklist, inline.Answers) is { } problem)
        {
            return problem;
        }

        return await DecideAsync(id, http, store, clock, (referral, now) =>
        {
            var screened = request.Screening is { Answers: { } answers }
                ? referral.RecordScreening(NewScreening(pathway, checklist, answers, http, now))
                : referral;
            var accepted = screened.Accept(request.PathwayId!, request.ConcernLevel, checklist, http.ActorId(), now);
            return (accepted, session =>
            {
                if (!ReferenceEquals(screened, referral))
                {
                    // Answers sent with the acceptance are a screening too.
                    session.Publish(new ReferralScreeningRecorded(referral.Id, screened.Screening!.PathwayId, screened.Screening.PathwayVersion,
                        screened.Screening.Complete, http.ActorId(), now));
                }
                session.Publish(new ReferralAccepted(accepted.Id, accepted.PersonId, accepted.PersonDisplayName, accepted.PathwayId!,
                    accepted.ConcernLevel, http.ActorId(), now));
            });
        }, cancellationToken);
    }

    private static async Task<IResult> RecordScreeningAsync(
        Guid id,
        RecordScreeningRequest request,
        HttpContext http,
        IDocumentStore store,
        CaseQueries.CaseQueriesClient cases,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        ReferralValidation.ValidatePathwayId(errors, "pathwayId", request.PathwayId, required: true);
        errors.Check(request.Answers is not null, "answers", "Give the answers by question id.");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (pathway, unavailable) = await PathwayForDecisionAsync(cases, request.PathwayId!, errors, cancellationToken);
        if (pathway is null)
        {
            return unavailable ?? errors.ToProblem();
        }
        var checklist = Checklist(pathway);
        if (CheckAnswers(errors, "answers", checklist, request.Answers) is { } problem)
        {
            return problem;
        }
        return await DecideAsync(id, http, store, clock, (referral, now) =>
        {
            var screening = NewScreening(pathway, checklist, request.Answers!, http, now);
            return (referral.RecordScreening(screening), session => session.Publish(new ReferralScreeningRecorded(referral.Id, screening.PathwayId, screening.PathwayVersion,
                screening.Complete, http.ActorId(), now)));
        }, cancellationToken);
    }

    /// <summary>The pathway from Case, or why not: errors gets "pathwayId" when it does not exist; a failed call is the problem returned.</summary>
    private static async Task<(Contracts.Grpc.Case.V1.Pathway? Pathway, IResult? Unavailable)> PathwayForDecisionAsync(
        CaseQueries.CaseQueriesClient cases, string pathwayId, ValidationErrors errors, CancellationToken cancellationToken)
    {
        try
        {
            return (await cases.GetPathwayAsync(new GetPathwayRequest { PathwayId = pathwayId }, cancellationToken: cancellationToken), null);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            errors.Add("pathwayId", "There is no pathway with this id.");
            return (null, null);
        }
        catch (RpcException exception)
        {
            return (null, GrpcCallProblems.For(exception, "case", "cases"));
        }
    }

    private static List<ScreeningQuestion> Checklist(Contracts.Grpc.Case.V1.Pathway pathway) =>
        pathway.ScreeningQuestions.Select(q => new ScreeningQuestion(q.Id, q.Text, q.Kind, q.Required, q.Options.ToList())).ToList();

    /// <summary>A problem naming each malformed answer ({prefix}.{question id}), or null when all are well formed.</summary>
    private static IResult? CheckAnswers(ValidationErrors errors, string prefix, IReadOnlyList<ScreeningQuestion> checklist, Dictionary<string, string>? answers)
    {
        foreach (var (questionId, message) in ScreeningChecklist.Problems(checklist, answers ?? []))
        {
            errors.Add($"{prefix}.{questionId}", message);
        }
        return errors.Any ? errors.ToProblem() : null;
    }

    private static Screening NewScreening(
        Contracts.Grpc.Case.V1.Pathway pathway, IReadOnlyList<ScreeningQuestion> checklist, Dictionary<string, string> answers, HttpContext http, DateTimeOffset now) =>
        new(pathway.PathwayId, pathway.Version, answers, ScreeningChecklist.Unanswered(checklist, answers).Count == 0, http.ActorId(), now);

    private static async Task<IResult> DeclineAsync(
        Guid id, DeclineReferralRequest request, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (MissingReason(request.Reason) is { } problem)
        {
            return problem;
        }
        return await DecideAsync(id, http, store, clock, (referral, now) =>
        {
            var declined = referral.Decline(request.Reason!.Trim(), http.ActorId(), now);
            return (declined, session => session.Publish(new ReferralDeclined(declined.Id, declined.DeclineReason!, http.ActorId(), now)));
        }, cancellationToken);
    }

    private static Task<IResult> ScreenAsync(Guid id, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        DecideAsync(id, http, store, clock, (referral, now) =>
        {
            var screening = referral.StartScreening(http.ActorId(), now);
            return (screening, session => session.Publish(new ReferralScreeningStarted(screening.Id, http.ActorId(), now)));
        }, cancellationToken);

    private static async Task<IResult> WithdrawAsync(
        Guid id, WithdrawReferralRequest request, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (MissingReason(request.Reason) is { } problem)
        {
            return problem;
        }
        if (!http.User.IsPartner() && !http.User.IsInAnyRole(DecidingRoles))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only the referrer or caseworking staff can withdraw a referral.");
        }
        return await DecideAsync(id, http, store, clock, (referral, now) =>
        {
            var withdrawn = referral.Withdraw(request.Reason!.Trim(), http.ActorId(), now);
            return (withdrawn, session => session.Publish(new ReferralWithdrawn(withdrawn.Id, request.Reason!.Trim(), http.ActorId(), now)));
        }, cancellationToken);
    }

    /// <summary>Loads, applies a decision and commits it with its event, guarding against a concurrent change.</summary>
    private static async Task<IResult> DecideAsync(
        Guid id, HttpContext http, IDocumentStore store, TimeProvider clock,
        Func<Referral, DateTimeOffset, (Referral Decided, Action<IDocumentSession> PublishEvents)> decide, CancellationToken cancellationToken)
    {
        await using var session = store.OpenSession();
        var forPartner = http.User.IsPartner();
        // A partner changes only its own referrals; others' do not exist for it (not even through a 412).
        var (current, refusal) = await session.ReadForChangeAsync<Referral>(id.ToString(), http.Request, NotFound, cancellationToken,
            visible: referral => !forPartner || IsOwnReferral(referral, http));
        if (current is null)
        {
            return refusal!;
        }
        var now = clock.GetUtcNow();
        // A broken rule throws a domain exception: the service defaults answer it (409 or 400) and nothing is committed.
        var (decided, publishEvents) = decide(current.Document, now);
        if (ReferenceEquals(decided, current.Document))
        {
            ETags.Set(http.Response, current.Version); // nothing changed (the same screening answers again)
            return TypedResults.Ok(ReferralView.From(decided, current.Version, forPartner, now));
        }
        session.Update(id.ToString(), decided, current.Version);
        publishEvents(session);
        if (decided.Status != current.Document.Status)
        {
            await session.EnqueueStatusWebhookAsync(decided, current.Version + 1, cancellationToken);
        }
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, current.Version + 1);
        return TypedResults.Ok(ReferralView.From(decided, current.Version + 1, forPartner, now));
    }

    /// <summary>The referral if the caller may see it: staff see all, a partner only its own.</summary>
    internal static async Task<Stored<Referral>?> FindVisibleAsync(Guid id, HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        var referral = await store.GetAsync<Referral>(id.ToString(), cancellationToken);
        if (referral is null)
        {
            return null;
        }
        return !http.User.IsPartner() || IsOwnReferral(referral.Document, http) ? referral : null;
    }

    private static bool IsOwnReferral(Referral referral, HttpContext http) => referral.PartnerClientId == http.User.ClientId();

    /// <summary>A decline or withdrawal says why (1 to 2,000 characters).</summary>
    private static IResult? MissingReason(string? reason)
    {
        var errors = new ValidationErrors();
        errors.Required("reason", reason, 2000, multiline: true);
        return errors.Any ? errors.ToProblem() : null;
    }

    private static IResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The referral was not found.");
}
