using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Casework.Contracts;
using Casework.Intake.Domain;
using Casework.ServiceDefaults;

namespace Casework.Intake.Apis;

// [Description] and [Required] shape the OpenAPI document partners integrate from; the rules
// themselves are enforced by ReferralValidation so that one 400 names every bad field.

/// <summary>A referral as a partner portal (or a member of staff) submits it.</summary>
public sealed record SubmitReferralRequest(
    [property: Description("The person being referred (required unless personId is given).")] PersonInput? Person = null,
    [property: Required, Description("Why support is needed, in the referrer's words (up to 4,000 characters).")] string? Reason = null,
    [property: Description("The pathway the referrer suggests, e.g. \"housing-support\"; staff decide.")] string? RequestedPathwayId = null,
    [property: Description("Urgency or risk: Low, Medium (the default), High or Critical.")] string? ConcernLevel = null,
    [property: Required, Description("The person's consent to the referral; it must be given.")] ConsentInput? Consent = null,
    [property: Description("The organisation making the referral (up to 200 characters).")] string? ReferringOrganisation = null,
    [property: Description("The portal's own reference for this referral, returned as sent (up to 100 characters).")] string? ExternalReference = null,
    [property: Description("Who at the referring organisation staff should contact about the referral (optional).")] ReferringContactInput? ReferringContact = null,
    [property: Description("Where the referral came from. Partner portals always submit \"partner\" (the default for them). Staff submit \"staff\" " +
        "(the default) for a referral they make, or \"self\" to record a person referring themself, e.g. by phone or at a drop-in.")] string? Source = null,
    [property: Description("Staff only: refer someone already on record (GET /api/intake/people finds them) instead of sending person; " +
        "the referral joins their record, so their cases over the years stay together.")] Guid? PersonId = null);

/// <summary>The person being referred.</summary>
public sealed record PersonInput(
    [property: Required, Description("Given name (up to 100 characters).")] string? GivenName = null,
    [property: Required, Description("Family name (up to 100 characters).")] string? FamilyName = null,
    [property: Description("Date of birth, YYYY-MM-DD: a past date after 1900.")] DateOnly? DateOfBirth = null,
    [property: Description("Email address.")] string? Email = null,
    [property: Description("Phone number: digits, spaces, +, - and brackets.")] string? Phone = null,
    [property: Description("Postcode (up to 12 characters).")] string? Postcode = null,
    [property: Description(PersonInput.GenderHelp)] string? Gender = null,
    [property: Description(PersonInput.EthnicityHelp)] string? Ethnicity = null,
    [property: Description(PersonInput.DisabilityHelp)] string? Disability = null)
{
    // Equality monitoring: optional, answered by the person; the region's lists are in the README (Intake:EqualityMonitoring).
    public const string GenderHelp = "Optional, the person's own answer: by default Woman, Man, Non-binary, In another way or Prefer not to say (the region may set its own list).";
    public const string EthnicityHelp = "Optional, the person's own answer: by default Asian or Asian British; Black, Black British, Caribbean or African; " +
        "Mixed or multiple ethnic groups; White; Another ethnic group; or Prefer not to say (the region may set its own list).";
    public const string DisabilityHelp = "Optional, the person's own answer to whether they consider themself disabled: by default Yes, No or Prefer not to say.";
}

/// <summary>The person's consent to the referral.</summary>
public sealed record ConsentInput(
    [property: Required, Description("Must be true: a referral is only taken with the person's consent.")] bool? Given = null,
    [property: Description("What the person consented to, e.g. \"Share my details with the housing team\".")] string? Scope = null,
    [property: Description("Who gave the consent: \"person\" (the default: the person themself) or \"representative\" (someone entitled to act for them, named below).")] string? GivenBy = null,
    [property: Description("The representative's name (required when givenBy is \"representative\"; up to 200 characters).")] string? RepresentativeName = null,
    [property: Description("The representative's relationship to the person, e.g. \"parent\", \"guardian\", \"advocate\" (up to 100 characters).")] string? RepresentativeRelationship = null,
    [property: Description("When the consent was given, ISO 8601 with offset (not in the future); defaults to the time the referral is received.")] DateTimeOffset? GivenAt = null);

/// <summary>A staff decision to accept a referral.</summary>
public sealed record AcceptReferralRequest(
    [property: Required, Description("The pathway the case will follow (GET /api/cases/pathways lists them).")] string? PathwayId = null,
    [property: Description("Overrides the referral's concern level.")] string? ConcernLevel = null,
    [property: Description("Answers to the pathway's screening checklist, if not recorded before with PUT …/screening (they replace those).")]
    ScreeningAnswers? Screening = null);

/// <summary>Answers to a pathway's screening checklist (GET /api/cases/pathways/{id} lists its screeningQuestions).</summary>
public sealed record ScreeningAnswers(
    [property: Description("Answers by question id: yes/no as 'yes' or 'no', a choice as one of its options, a number, a date as YYYY-MM-DD, or text.")]
    Dictionary<string, string>? Answers = null);

/// <summary>Screening answers recorded while the referral is screened.</summary>
public sealed record RecordScreeningRequest(
    [property: Required, Description("The pathway whose checklist is answered.")] string? PathwayId = null,
    [property: Required, Description("Answers by question id (see ScreeningAnswers); a partial checklist can be saved and completed later.")]
    Dictionary<string, string>? Answers = null);

/// <summary>A staff decision to decline a referral.</summary>
public sealed record DeclineReferralRequest(
    [property: Required, Description("Why it was declined; the partner sees it.")] string? Reason = null);

/// <summary>The referrer withdrawing a referral that is not decided yet.</summary>
public sealed record WithdrawReferralRequest(
    [property: Required, Description("Why it is withdrawn (up to 2,000 characters), e.g. \"The person found housing elsewhere\".")] string? Reason = null);

/// <summary>A referral as the API returns it. Partners get the same shape without staff-only details.</summary>
public sealed record ReferralView(
    Guid Id,
    string Status,
    [property: Description("Staff only: the person's record (null for partners: one person referred by two portals is not linkable across them).")]
    Guid? PersonId,
    [property: Description("The person's name: for partners as the referral gave it; for staff as the record has it now.")] string PersonDisplayName,
    string Source,
    string? PartnerClientId,
    string? ReferringOrganisation,
    string? ExternalReference,
    string? RequestedPathwayId,
    string ConcernLevel,
    DateTimeOffset ReceivedAt,
    string? PathwayId,
    Guid? CaseId,
    DateTimeOffset? DecidedAt,
    string? DeclineReason,
    long Version,
    IReadOnlyList<ReferralTransition>? History,
    [property: Description("Who staff should contact at the referring organisation, if given.")] ReferringContact? ReferringContact,
    [property: Description("The person's consent: what to, given by whom (the person or a named representative), when, and who recorded it.")] Consent Consent,
    [property: Description("When the decision is due (UTC): the end of the last working day of the decision SLA. Null for referrals from before the SLA.")] DateTimeOffset? DecisionDueAt,
    [property: Description("True while the referral is undecided (Received or Screening) and its decision is past due.")] bool Overdue,
    [property: Description("Staff only: the latest answers to a pathway's screening checklist.")] Screening? Screening = null)
{
    /// <param name="now">The time overdue is judged at (the request's clock).</param>
    public static ReferralView From(Referral r, long version, bool forPartner, DateTimeOffset now) =>
        new(r.Id, r.Status, forPartner ? null : r.PersonId, forPartner ? r.SubmittedPersonName ?? r.PersonDisplayName : r.PersonDisplayName, r.Source, r.PartnerClientId, r.ReferringOrganisation, r.ExternalReference,
            r.RequestedPathwayId, r.ConcernLevel, r.ReceivedAt, r.PathwayId, forPartner ? null : r.CaseId, r.DecidedAt, r.DeclineReason,
            version, forPartner ? null : r.History, r.ReferringContact, r.Consent, r.DecisionDueAt,
            r.IsOverdue(now), forPartner ? null : r.Screening);
}

internal static partial class ReferralValidation
{
    public static ValidationErrors Validate(SubmitReferralRequest request, DateTimeOffset now, bool fromPartner, EqualityVocabulary vocabulary)
    {
        var errors = new ValidationErrors();
        if (request.PersonId is not null)
        {
            errors.Check(!fromPartner, "personId", "Partner portals send the person's details (person), not a record id.");
            errors.Check(request.Person is null, "person", "Send either person or personId, not both.");
        }
        else if (errors.Check(request.Person is not null, "person", "The field is required.") && request.Person is { } person)
        {
            ValidatePerson(errors, "person.", person, now, vocabulary);
        }
        errors.Required("reason", request.Reason, 4000, multiline: true);
        ValidatePathwayId(errors, "requestedPathwayId", request.RequestedPathwayId, required: false);
        errors.OneOf("concernLevel", request.ConcernLevel, ConcernLevels.All, required: false);
        if (errors.Check(request.Consent is not null, "consent", "The field is required."))
        {
            errors.Check(request.Consent!.Given == true, "consent.given", "The person's consent to the referral is required.");
            errors.Optional("consent.scope", request.Consent.Scope, 500, multiline: true);
        }
        errors.Optional("referringOrganisation", request.ReferringOrganisation, 200);
        errors.Optional("externalReference", request.ExternalReference, 100);
        ValidateSubmissionDetails(errors, request, now, fromPartner);
        return errors;
    }

    /// <summary>A person's details, in a referral (prefix "person.") or on their own (no prefix).</summary>
    public static void ValidatePerson(ValidationErrors errors, string prefix, PersonInput person, DateTimeOffset now, EqualityVocabulary vocabulary)
    {
        errors.Required(prefix + "givenName", person.GivenName, 100);
        errors.Required(prefix + "familyName", person.FamilyName, 100);
        if (person.DateOfBirth is { } dateOfBirth)
        {
            errors.Check(dateOfBirth <= DateOnly.FromDateTime(now.UtcDateTime) && dateOfBirth.Year >= 1900,
                prefix + "dateOfBirth", "The date of birth must be a past date after 1900.");
        }
        if (errors.Optional(prefix + "email", person.Email, 254) && person.Email is not null)
        {
            errors.Check(Email().IsMatch(person.Email), prefix + "email", "The field must be an email address.");
        }
        if (errors.Optional(prefix + "phone", person.Phone, 30) && person.Phone is not null)
        {
            errors.Check(Phone().IsMatch(person.Phone), prefix + "phone", "The field must be a phone number (digits, spaces, +, -, brackets).");
        }
        errors.Optional(prefix + "postcode", person.Postcode, 12);
        // Blank is the same as not answered; an answer must be spelled as the list has it (reports count by it).
        errors.OneOf(prefix + "gender", Blank(person.Gender), vocabulary.Genders, required: false);
        errors.OneOf(prefix + "ethnicity", Blank(person.Ethnicity), vocabulary.Ethnicities, required: false);
        errors.OneOf(prefix + "disability", Blank(person.Disability), vocabulary.Disabilities, required: false);
    }

    /// <summary>Validated input as stored: trimmed, blank as absent, postcode in capitals.</summary>
    public static PersonDetails ToDetails(PersonInput person) => new(
        person.GivenName!.Trim(), person.FamilyName!.Trim(), person.DateOfBirth,
        Blank(person.Email), Blank(person.Phone), Blank(person.Postcode)?.ToUpperInvariant(),
        Blank(person.Gender), Blank(person.Ethnicity), Blank(person.Disability));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static void ValidatePathwayId(ValidationErrors errors, string field, string? value, bool required)
    {
        if (value is null && !required)
        {
            return;
        }
        if (errors.Required(field, value, 64))
        {
            errors.Check(Slug().IsMatch(value!), field, "The field must be a pathway id (lower-case letters, digits and hyphens).");
        }
    }

    public static bool IsValidIdempotencyKey(string key) => IdempotencyKey().IsMatch(key);

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Email();

    [GeneratedRegex(@"^\+?[0-9 ()\-]{5,30}$")]
    private static partial Regex Phone();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex Slug();

    [GeneratedRegex("^[\\x21-\\x7E]{1,200}$")]
    private static partial Regex IdempotencyKey();
}
