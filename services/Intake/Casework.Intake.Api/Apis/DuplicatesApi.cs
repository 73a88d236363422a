using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Casework.Contracts.Events;
using Casework.Intake.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Intake.Apis;

/// <summary>A stored person who may be the one being matched, with the score and the reasons for it.</summary>
public sealed record MatchCandidateView(
    Guid PersonId,
    string DisplayName,
    DateOnly? DateOfBirth,
    string? Email,
    string? Phone,
    string? Postcode,
    DateTimeOffset CreatedAt,
    int Score,
    IReadOnlyList<MatchReason> Reasons)
{
    public static MatchCandidateView From(PersonMatch match)
    {
        var p = match.Person;
        return new(p.Id, p.DisplayName, p.DateOfBirth, p.Email, p.Phone, p.Postcode, p.CreatedAt, match.Score, match.Reasons);
    }
}

/// <summary>The people who may be the one described, best first; only scores of at least <paramref name="Threshold"/> are listed.</summary>
public sealed record PersonMatchesView(int Threshold, IReadOnlyList<MatchCandidateView> Candidates);

/// <summary>Staff's decision on a referral's possible duplicates: who, when, and for SamePerson the record merged away.</summary>
public sealed record MatchDecisionView(string Decision, string By, DateTimeOffset At, Guid? MergedPersonId);

/// <summary>
/// A referral's person and the people who may be them. After SamePerson the referral's person is the existing
/// record (the one created with the referral is merged into it); after NewPerson the candidates then shown are not
/// offered again. <paramref name="PersonVersion"/> (also the ETag) is what If-Match of a decision checks.
/// </summary>
public sealed record ReferralMatchesView(
    Guid ReferralId,
    Guid PersonId,
    string PersonDisplayName,
    long PersonVersion,
    int Threshold,
    IReadOnlyList<MatchCandidateView> Candidates,
    MatchDecisionView? Decision);

public static class MatchDecisions
{
    public const string SamePerson = "SamePerson";
    public const string NewPerson = "NewPerson";

    public static readonly IReadOnlyList<string> All = [SamePerson, NewPerson];
}

/// <summary>Staff's answer to a referral's possible duplicates.</summary>
public sealed record MatchDecisionRequest(
    [property: Required, Description("SamePerson: the referral's person is the existing person given in personId (the record created " +
        "with the referral is merged into it). NewPerson: the person is none of the candidates given in personIds.")] string? Decision = null,
    [property: Description("For SamePerson: one of the candidates GET /api/intake/referrals/{id}/matches lists.")] Guid? PersonId = null,
    [property: Description("For NewPerson: the candidates you looked at and dismiss (a candidate that appeared since stays listed).")]
    List<Guid>? PersonIds = null);

/// <summary>A duplicate record to merge into the one addressed (the survivor).</summary>
public sealed record MergePeopleRequest(
    [property: Required, Description("The duplicate record; it is kept, readable, marked as merged into this one.")] Guid? MergedPersonId = null,
    [property: Description("Why they are the same person (up to 2,000 characters), kept with the merge.")] string? Reason = null);

/// <summary>
/// Duplicate people: matching a prospective person or a referral's person against everyone on record, staff's
/// "same person" / "new person" decision on a referral, and merging one record into another. Staff only (partners
/// never see other people's data); every candidate shown and every merge is in the audit log. Who may do what:
/// every staff role (auditors too) sees candidates; caseworking staff decide on a referral, where a caseworker may
/// fold only the record that came in with that referral (it holds nothing else); merging any other record takes a
/// supervisor, manager or admin.
/// </summary>
public static class DuplicatesApi
{
    private static readonly string[] DecidingRoles = [CaseworkRoles.Caseworker, CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin];
    private static readonly string[] MergingRoles = [CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin];

    public static IEndpointRouteBuilder MapDuplicatesApi(this IEndpointRouteBuilder app)
    {
        var intake = app.MapGroup("/api/intake").WithTags("Duplicates")
            .RequireScope(IntakeService.StaffScope)
            .RequireStaff();

        intake.MapPost("/people/matches", CheckAsync)
            .WithName("MatchPerson")
            .WithSummary("Find who a person about to be registered may already be (staff)")
            .WithDescription("Send the person's details (as for a referral); nothing is stored. Candidates come with a score (0 to 100) and the " +
                $"reasons for it; only scores of at least {PersonMatcher.Threshold} are listed. Every candidate shown is audited.")
            .Produces<PersonMatchesView>()
            .ProducesValidationProblem();

        intake.MapGet("/referrals/{id:guid}/matches", ReferralMatchesAsync)
            .WithName("GetReferralMatches")
            .WithSummary("The people a referral's person may already be, with scores and reasons (staff)")
            .WithDescription("Candidates staff confirmed to be someone else are not listed. The ETag is the version of the referral's person, " +
                "for If-Match of the decision. Every candidate shown is audited.")
            .Produces<ReferralMatchesView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        intake.MapPost("/referrals/{id:guid}/matches/decision", DecideAsync)
            .RequireStaff(DecidingRoles)
            .WithName("DecideReferralMatches")
            .WithSummary("Confirm a referral's person is an existing person (SamePerson) or none of the candidates (NewPerson)")
            .WithDescription("SamePerson merges the record created with the referral into the chosen candidate: the referral (and any case " +
                "opened from it, through PeopleMerged) then belongs to the existing person. A caseworker may do that only while the " +
                "referral's record holds nothing but this referral; otherwise it takes a supervisor, manager or admin (403). NewPerson records " +
                "that the person is none of the listed candidates (PersonMatchesDismissed). Repeating a decision changes nothing. Send " +
                "If-Match with the ETag of the matches you read (412 if the person changed since).")
            .Produces<ReferralMatchesView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        intake.MapPost("/people/{id:guid}/merges", MergeAsync)
            .RequireStaff(MergingRoles)
            .WithName("MergePeople")
            .WithSummary("Merge a duplicate record into this one (supervisor, manager, admin)")
            .WithDescription("This record survives and keeps its details; it records the merge with the duplicate's details and history. " +
                "The duplicate stays readable, marked as merged into this one, and changes no more; its referrals move here and Case " +
                "moves its cases (PeopleMerged). Merging the same duplicate again changes nothing; a record merged elsewhere is a 409. " +
                "Send If-Match with this record's ETag (412 if it changed since).")
            .Produces<PersonView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return app;
    }

    private static async Task<IResult> CheckAsync(
        PersonInput request, HttpContext http, IDocumentStore store, TimeProvider clock, EqualityVocabulary vocabulary,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = new ValidationErrors();
        ReferralValidation.ValidatePerson(errors, "", request, now, vocabulary);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var prospect = MatchProfile.Of(ReferralValidation.ToDetails(request));
        var matches = await PersonDuplicates.FindAsync(store, prospect, subject: null, cancellationToken);

        // Like a search: what was asked (even with no candidate) and every person shown.
        await using var audit = store.OpenSession();
        audit.Audit(http, "match", "person-query",
            $"match:familyNameKey={prospect.FamilyNameKey}&givenNameKey={prospect.GivenNameKey}&dateOfBirth={prospect.DateOfBirth:O}", now);
        foreach (var match in matches)
        {
            audit.Audit(http, "match", "person", match.Person.Id.ToString(), now);
        }
        await audit.CommitAsync(cancellationToken);
        return TypedResults.Ok(new PersonMatchesView(PersonMatcher.Threshold, matches.Select(MatchCandidateView.From).ToList()));
    }

    private static async Task<IResult> ReferralMatchesAsync(
        Guid id, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var referral = await store.GetAsync<Referral>(id.ToString(), cancellationToken);
        if (referral is null)
        {
            return ReferralNotFound();
        }
        var person = await store.GetAsync<Person>(referral.Document.PersonId.ToString(), cancellationToken);
        if (person is null)
        {
            return PersonNotFound();
        }
        return await ViewAsync(referral.Document, person, http, store, clock, cancellationToken);
    }

    private static async Task<IResult> DecideAsync(
        Guid id, MatchDecisionRequest request, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.OneOf("decision", request.Decision, MatchDecisions.All);
        if (request.Decision == MatchDecisions.SamePerson)
        {
            errors.Check(request.PersonId is not null, "personId", "The field is required for SamePerson.");
        }
        else if (request.Decision == MatchDecisions.NewPerson)
        {
            errors.Check(request.PersonId is null, "personId", "Only SamePerson names a person; NewPerson names the candidates it dismisses in personIds.");
            errors.Check(request.PersonIds is not null, "personIds", "Name the candidates you dismiss (the ones you were shown).");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var referral = await store.GetAsync<Referral>(id.ToString(), cancellationToken);
        if (referral is null)
        {
            return ReferralNotFound();
        }
        if (!ETags.TryReadIfMatch(http.Request, out var expectedVersion))
        {
            return ETags.InvalidIfMatch();
        }
        await using var session = store.OpenSession();
        var subject = await session.GetAsync<Person>(referral.Document.PersonId.ToString(), cancellationToken);
        if (subject is null)
        {
            return PersonNotFound();
        }
        if (request.Decision == MatchDecisions.SamePerson && request.PersonId == subject.Document.Id)
        {
            // Decided before (a retry): the referral is already that person's, whatever version the retry names.
            return await ViewAsync(referral.Document, subject, http, store, clock, cancellationToken);
        }
        if (expectedVersion is { } expected && expected != subject.Version)
        {
            return ETags.PreconditionFailed();
        }
        var now = clock.GetUtcNow();
        var matches = await PersonDuplicates.FindAsync(store, MatchProfile.Of(subject.Document), subject.Document, cancellationToken);
        if (request.Decision == MatchDecisions.NewPerson)
        {
            var dismissed = matches.Select(m => m.Person.Id).Intersect(request.PersonIds!);
            var distinct = subject.Document.ConfirmDistinctFrom(dismissed, http.ActorId(), now, referral.Document.Id);
            if (ReferenceEquals(distinct, subject.Document))
            {
                return await ViewAsync(referral.Document, subject, http, store, clock, cancellationToken); // nothing new to dismiss
            }
            session.Update(subject.Id, distinct, subject.Version);
            session.Audit(http, "dismiss-matches", "person", subject.Id, now, parentId: referral.Id);
            session.Publish(new PersonMatchesDismissed(distinct.Id, distinct.DistinctFrom.Skip(subject.Document.DistinctFrom.Count)
                .Select(d => d.PersonId).ToList(), http.ActorId(), now));
            await session.CommitAsync(cancellationToken);
            return await ViewAsync(referral.Document, new Stored<Person>(subject.Id, subject.Version + 1, distinct), http, store, clock, cancellationToken);
        }

        subject.Document.EnsureNotMerged();
        if (matches.All(m => m.Person.Id != request.PersonId))
        {
            errors.Add("personId", "The person is not one of this referral's match candidates (GET its matches for them).");
            return errors.ToProblem();
        }
        if (!http.User.IsInAnyRole(MergingRoles) && !await HoldsOnlyAsync(subject, referral.Document, store, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Merging this record takes a supervisor, manager or admin.",
                detail: "The referral's person holds other referrals or merged records, so it is more than this referral's intake record.");
        }
        var existing = await session.GetAsync<Person>(request.PersonId!.Value.ToString(), cancellationToken)
            ?? throw new InvalidOperationException("A match candidate vanished.");
        var survivor = await PersonDuplicates.MergeAsync(session, store, http, existing, subject, referral.Document.Id, null, now, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return await ViewAsync(referral.Document.MovedTo(survivor.Document), survivor, http, store, clock, cancellationToken);
    }

    private static async Task<IResult> MergeAsync(
        Guid id, MergePeopleRequest request, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (errors.Check(request.MergedPersonId is not null, "mergedPersonId", "The field is required."))
        {
            errors.Check(request.MergedPersonId != id, "mergedPersonId", "A record cannot be merged into itself.");
        }
        errors.Optional("reason", request.Reason, 2000, multiline: true);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        await using var session = store.OpenSession();
        var (survivor, refusal) = await session.ReadForChangeAsync<Person>(id.ToString(), http.Request, PersonNotFound, cancellationToken);
        if (survivor is null)
        {
            return refusal!;
        }
        var duplicate = await session.GetAsync<Person>(request.MergedPersonId!.Value.ToString(), cancellationToken);
        if (duplicate is null)
        {
            errors.Add("mergedPersonId", "There is no person with this id.");
            return errors.ToProblem();
        }
        var now = clock.GetUtcNow();
        Stored<Person> merged;
        if (duplicate.Document.MergedInto?.PersonId == survivor.Document.Id)
        {
            merged = survivor; // merged before (a retry): the answer shows the record, which is a read
            await using var audit = store.OpenSession();
            audit.Audit(http, "read", "person", survivor.Id, now);
            await audit.CommitAsync(cancellationToken);
        }
        else
        {
            merged = await PersonDuplicates.MergeAsync(session, store, http, survivor, duplicate, referralId: null, request.Reason?.Trim(), now,
                cancellationToken);
            await session.CommitAsync(cancellationToken);
        }
        ETags.Set(http.Response, merged.Version);
        return TypedResults.Ok(PersonView.From(merged));
    }

    /// <summary>Whether the person is only this referral's intake record: no other referral, nothing merged into it.</summary>
    private static async Task<bool> HoldsOnlyAsync(Stored<Person> person, Referral referral, IDocumentStore store, CancellationToken cancellationToken)
    {
        if (person.Document.Merges.Count > 0)
        {
            return false;
        }
        var referrals = await store.QueryAsync<Referral>(new DocumentQuery
        {
            Filter = new DocumentFilter().Equal("personId", person.Id),
            Limit = 2,
            CountLimit = 0,
        }, cancellationToken);
        return referrals.Items.All(r => r.Document.Id == referral.Id);
    }

    /// <summary>The referral's matches as staff see them, audited before they leave: the person read, every candidate shown.</summary>
    private static async Task<IResult> ViewAsync(
        Referral referral, Stored<Person> person, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var matches = await PersonDuplicates.FindAsync(store, MatchProfile.Of(person.Document), person.Document, cancellationToken);
        var now = clock.GetUtcNow();
        await using (var audit = store.OpenSession())
        {
            audit.Audit(http, "read-matches", "person", person.Id, now, parentId: referral.Id.ToString());
            foreach (var match in matches)
            {
                audit.Audit(http, "match", "person", match.Person.Id.ToString(), now, parentId: person.Id);
            }
            await audit.CommitAsync(cancellationToken);
        }
        ETags.Set(http.Response, person.Version);
        var p = person.Document;
        return TypedResults.Ok(new ReferralMatchesView(referral.Id, p.Id, p.DisplayName, person.Version, PersonMatcher.Threshold,
            matches.Select(MatchCandidateView.From).ToList(), DecisionOn(referral, p)));
    }

    /// <summary>The decision taken on this referral, as the person records it: a merge from it, else a "new person" from it.</summary>
    private static MatchDecisionView? DecisionOn(Referral referral, Person person)
    {
        if (person.Merges.LastOrDefault(m => m.ReferralId == referral.Id) is { } merged)
        {
            return new MatchDecisionView(MatchDecisions.SamePerson, merged.By, merged.At, merged.PersonId);
        }
        return person.DistinctFrom.LastOrDefault(d => d.ReferralId == referral.Id) is { } distinct
            ? new MatchDecisionView(MatchDecisions.NewPerson, distinct.By, distinct.At, null)
            : null;
    }

    private static IResult ReferralNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The referral was not found.");

    private static IResult PersonNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The person was not found.");
}
