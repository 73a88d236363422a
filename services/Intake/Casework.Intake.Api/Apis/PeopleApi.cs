using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using Casework.Contracts;
using Casework.Contracts.Events;
using Casework.Intake.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Intake.Apis;

/// <summary>
/// A person (client record) as staff see it, with the history of changes to their details, the records merged
/// into it (each with its own history), the people confirmed to be someone else, and, on a record that was
/// merged, the survivor to use instead (<see cref="MergedInto"/>).
/// </summary>
public sealed record PersonView(
    Guid Id,
    string GivenName,
    string FamilyName,
    string DisplayName,
    DateOnly? DateOfBirth,
    string? Email,
    string? Phone,
    string? Postcode,
    [property: Description("Equality monitoring answers (null: not answered). Staff only: no partner view shows them.")] string? Gender,
    string? Ethnicity,
    string? Disability,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    long Version,
    IReadOnlyList<PersonChange> History,
    MergedInto? MergedInto,
    IReadOnlyList<MergedRecord> Merges,
    IReadOnlyList<DistinctPerson> DistinctFrom)
{
    public static PersonView From(Stored<Person> stored)
    {
        var p = stored.Document;
        return new(p.Id, p.GivenName, p.FamilyName, p.DisplayName, p.DateOfBirth, p.Email, p.Phone, p.Postcode, p.Gender, p.Ethnicity, p.Disability,
            p.CreatedAt, p.CreatedBy,
            stored.Version, p.History, p.MergedInto, p.Merges, p.DistinctFrom);
    }
}

/// <summary>A person to register (as staff do for someone not referred yet), and the possible duplicates already checked.</summary>
public sealed record RegisterPersonRequest(
    [property: Required, Description("Given name (up to 100 characters).")] string? GivenName = null,
    [property: Required, Description("Family name (up to 100 characters).")] string? FamilyName = null,
    [property: Description("Date of birth, YYYY-MM-DD: a past date after 1900.")] DateOnly? DateOfBirth = null,
    [property: Description("Email address.")] string? Email = null,
    [property: Description("Phone number: digits, spaces, +, - and brackets.")] string? Phone = null,
    [property: Description("Postcode (up to 12 characters).")] string? Postcode = null,
    [property: Description("Candidates from an earlier 409 that staff checked and found to be someone else.")] List<Guid>? NotTheSameAs = null,
    [property: Description(PersonInput.GenderHelp)] string? Gender = null,
    [property: Description(PersonInput.EthnicityHelp)] string? Ethnicity = null,
    [property: Description(PersonInput.DisabilityHelp)] string? Disability = null)
{
    public PersonInput Person => new(GivenName, FamilyName, DateOfBirth, Email, Phone, Postcode, Gender, Ethnicity, Disability);
}

/// <summary>
/// People (client records) for staff: register, find, read, correct details (every change kept), and the person's
/// referrals. Partners never reach these: they see only the referrals they sent. Personal data: every
/// person a search returns, every read and every change is in the audit log before the answer leaves.
/// </summary>
public static class PeopleApi
{
    public static IEndpointRouteBuilder MapPeopleApi(this IEndpointRouteBuilder app)
    {
        var people = app.MapGroup("/api/intake/people").WithTags("People")
            .RequireScope(IntakeService.StaffScope)
            .RequireStaff();

        people.MapPost("", RegisterAsync)
            .RequireStaff(CaseworkRoles.Caseworker, CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin)
            .WithName("RegisterPerson")
            .WithSummary("Register a person (staff)")
            .WithDescription("The details are matched against everyone on record first. If someone may be the same person (score 50 or more), " +
                "the answer is 409 listing them as candidates, and nothing is registered: use their record, or send again with the candidates you " +
                "checked in notTheSameAs to register a new person (they are then not offered as duplicates of each other). Publishes PersonRegistered.")
            .Produces<PersonView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        people.MapGet("", SearchAsync)
            .WithName("SearchPeople")
            .WithSummary("Find people by name, date of birth, email, phone or postcode (staff)")
            .WithDescription("Give a familyName, email or phone, or two of givenName, dateOfBirth (YYYY-MM-DD) and postcode; all given must match. " +
                "Names match ignoring case, accents of Latin letters, spaces and punctuation; phone numbers ignoring spaces and brackets (not the " +
                "country code form); postcodes ignoring case and spaces. Every search and every person it returns is audited. " +
                "Page with offset and limit (max 200).")
            .Produces<Page<PersonView>>()
            .ProducesValidationProblem();

        people.MapGet("/{id:guid}", GetAsync)
            .WithName("GetPerson")
            .WithSummary("Get one person with the history of changes to their details (staff)")
            .WithDescription("The ETag is the version for If-Match. A record merged into another stays readable: mergedInto names the " +
                "record to use instead, which holds this one's details and history under merges.")
            .Produces<PersonView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        people.MapPut("/{id:guid}", UpdateAsync)
            .RequireStaff(CaseworkRoles.Caseworker, CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin)
            .WithName("UpdatePerson")
            .WithSummary("Correct a person's details (staff)")
            .WithDescription("Send every field (an absent optional field is cleared). Each change is recorded with who made it and when, " +
                "and PersonUpdated is published; sending the same details again changes nothing. Send If-Match with the ETag you read " +
                "to avoid overwriting someone else's change (412 if it moved on). A record merged into another changes no more (409).")
            .Produces<PersonView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        people.MapGet("/{id:guid}/referrals", ReferralsAsync)
            .WithName("ListPersonReferrals")
            .WithSummary("The person's referrals, newest first (staff)")
            .Produces<Page<ReferralView>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> SearchAsync(
        HttpContext http, IDocumentStore store, TimeProvider clock, string? familyName, string? givenName, string? dateOfBirth, string? email,
        string? phone, string? postcode, int? offset, int? limit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        DateOnly? birthDate = null;
        if (dateOfBirth is not null)
        {
            // Only the ISO form: "04/03/1991" is a different day in different countries.
            errors.Check(DateOnly.TryParseExact(dateOfBirth, "yyyy-MM-dd", out var parsed), "dateOfBirth", "The field must be a date as YYYY-MM-DD.");
            birthDate = parsed;
        }
        // A value that is all punctuation would search for nothing in particular.
        errors.Check(familyName is null || PersonKeys.Name(familyName).Length > 0, "familyName", "The field must contain letters or digits.");
        errors.Check(givenName is null || PersonKeys.Name(givenName).Length > 0, "givenName", "The field must contain letters or digits.");
        errors.Check(phone is null || PersonKeys.Phone(phone)?.TrimStart('+').Length >= 5, "phone", "The field must contain at least 5 digits.");
        errors.Optional("familyName", familyName, 100);
        errors.Optional("givenName", givenName, 100);
        errors.Optional("email", email, 254);
        errors.Optional("phone", phone, 30);
        errors.Optional("postcode", postcode, 12);
        errors.Paging(offset, limit);
        var filter = new DocumentFilter()
            .Equal("familyNameKey", string.IsNullOrWhiteSpace(familyName) ? null : PersonKeys.Name(familyName))
            .Equal("givenNameKey", string.IsNullOrWhiteSpace(givenName) ? null : PersonKeys.Name(givenName))
            .Equal("dateOfBirth", birthDate?.ToString("O"))
            .Equal("emailKey", PersonKeys.Email(email))
            .Equal("phoneKey", PersonKeys.Phone(phone))
            .Equal("postcodeKey", PersonKeys.Postcode(postcode));
        // Personal data is found by what staff already know, not browsed: a family name, email or phone on
        // its own, otherwise two details (a date of birth or postcode alone would walk through everyone).
        var identifying = filter.Conditions.Any(c => c.Field is "familyNameKey" or "emailKey" or "phoneKey");
        errors.Check(identifying || filter.Conditions.Count >= 2, "query",
            "Give a familyName, email or phone, or two of givenName, dateOfBirth and postcode.");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var page = await store.QueryAsync<Person>(new DocumentQuery
        {
            Filter = filter,
            OrderBy = "familyNameKey",
            Offset = offset ?? 0,
            Limit = limit ?? 50,
        }, cancellationToken);
        // The search itself (even with no hit) and every person it shows.
        var criteria = string.Join("&", filter.Conditions.Select(c => $"{c.Field}={c.Values[0]}"));
        await AuditAsync(store, http, "search", [.. page.Items.Select(p => (p.Id, (string?)null)), ("query:" + criteria, "person-query")],
            clock, cancellationToken);
        return TypedResults.Ok(page.With(page.Items.Select(PersonView.From).ToList()));
    }

    private static async Task<IResult> RegisterAsync(
        RegisterPersonRequest request, HttpContext http, IDocumentStore store, TimeProvider clock, EqualityVocabulary vocabulary,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = new ValidationErrors();
        ReferralValidation.ValidatePerson(errors, "", request.Person, now, vocabulary);
        errors.Check(request.NotTheSameAs is not { Count: > 50 }, "notTheSameAs", "At most 50 people.");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var details = ReferralValidation.ToDetails(request.Person);
        var matches = await PersonDuplicates.FindAsync(store, MatchProfile.Of(details), subject: null, cancellationToken);
        var notChecked = matches.Where(m => !(request.NotTheSameAs ?? []).Contains(m.Person.Id)).ToList();
        if (notChecked.Count > 0)
        {
            // Shown to staff: audited like a match check.
            await AuditAsync(store, http, "match", notChecked.Select(m => (m.Person.Id.ToString(), (string?)null)), clock, cancellationToken);
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This may be someone already on record.",
                detail: "Use their record (refer them with personId), or send again with the ones you checked in notTheSameAs.",
                extensions: new Dictionary<string, object?> { ["candidates"] = notChecked.Select(MatchCandidateView.From).ToList() });
        }
        var person = Person.New(Guid.CreateVersion7(now), details, now, http.ActorId());
        var dismissed = matches.Select(m => m.Person.Id).ToList();
        if (dismissed.Count > 0)
        {
            person = person.ConfirmDistinctFrom(dismissed, http.ActorId(), now, referralId: null);
        }
        await using var session = store.OpenSession();
        session.Insert(person.Id.ToString(), person);
        session.Audit(http, "create", "person", person.Id.ToString(), now);
        session.Publish(PersonEvents.Registered(person, now));
        if (dismissed.Count > 0)
        {
            session.Publish(new PersonMatchesDismissed(person.Id, dismissed, http.ActorId(), now));
        }
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, 1);
        return TypedResults.Created($"/api/intake/people/{person.Id}", PersonView.From(new Stored<Person>(person.Id.ToString(), 1, person)));
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var person = await store.GetAsync<Person>(id.ToString(), cancellationToken);
        if (person is null)
        {
            return NotFound();
        }
        await AuditAsync(store, http, "read", [(person.Id, null)], clock, cancellationToken);
        ETags.Set(http.Response, person.Version);
        return TypedResults.Ok(PersonView.From(person));
    }

    private static async Task<IResult> UpdateAsync(
        Guid id, PersonInput request, HttpContext http, IDocumentStore store, TimeProvider clock, EqualityVocabulary vocabulary,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = new ValidationErrors();
        ReferralValidation.ValidatePerson(errors, "", request, now, vocabulary);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        await using var session = store.OpenSession();
        var (current, refusal) = await session.ReadForChangeAsync<Person>(id.ToString(), http.Request, NotFound, cancellationToken);
        if (current is null)
        {
            return refusal!;
        }
        current.Document.EnsureNotMerged(); // a merged record changes no more (409 naming the survivor)
        var updated = current.Document.WithDetails(ReferralValidation.ToDetails(request), http.ActorId(), now);
        if (ReferenceEquals(updated, current.Document))
        {
            // Nothing changed, but the answer shows the record (and its history): that is a read.
            await AuditAsync(store, http, "read", [(current.Id, null)], clock, cancellationToken);
            ETags.Set(http.Response, current.Version);
            return TypedResults.Ok(PersonView.From(current));
        }
        session.Update(current.Id, updated, current.Version);
        if (updated.DisplayName != current.Document.DisplayName)
        {
            // The person's referrals show the corrected name too (Case follows through PersonUpdated).
            var referrals = await store.QueryAllAsync<Referral>(new DocumentFilter().Equal("personId", current.Id), cancellationToken);
            foreach (var referral in referrals)
            {
                session.Update(referral.Id, referral.Document with { PersonDisplayName = updated.DisplayName }, referral.Version);
            }
        }
        session.Audit(http, "update", "person", current.Id, now);
        session.Publish(PersonEvents.Updated(updated, now));
        await session.CommitAsync(cancellationToken);
        var stored = new Stored<Person>(current.Id, current.Version + 1, updated);
        ETags.Set(http.Response, stored.Version);
        return TypedResults.Ok(PersonView.From(stored));
    }

    private static async Task<IResult> ReferralsAsync(
        Guid id, HttpContext http, IDocumentStore store, TimeProvider clock, int? offset, int? limit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Paging(offset, limit);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (await store.GetAsync<Person>(id.ToString(), cancellationToken) is null)
        {
            return NotFound();
        }
        var page = await store.QueryAsync<Referral>(new DocumentQuery
        {
            Filter = new DocumentFilter().Equal("personId", id.ToString()),
            OrderBy = "receivedAt",
            Descending = true,
            Offset = offset ?? 0,
            Limit = limit ?? 50,
        }, cancellationToken);
        await AuditAsync(store, http, "read-referrals", [(id.ToString(), null)], clock, cancellationToken);
        return TypedResults.Ok(page.With(page.Items.Select(r => ReferralView.From(r.Document, r.Version, forPartner: false, clock.GetUtcNow())).ToList()));
    }

    /// <summary>Records, before the data leaves, that the caller saw these people (record type "person" unless given).</summary>
    private static async Task AuditAsync(
        IDocumentStore store, HttpContext http, string action, IEnumerable<(string Id, string? Type)> records, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        await using var audit = store.OpenSession();
        var now = clock.GetUtcNow();
        foreach (var (id, type) in records)
        {
            audit.Audit(http, action, type ?? "person", id, now);
        }
        await audit.CommitAsync(cancellationToken);
    }

    private static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The person was not found.");
}
