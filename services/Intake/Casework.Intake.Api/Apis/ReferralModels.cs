using System.Text.RegularExpressions;
using Casework.Contracts;
using Casework.Intake.Domain;
using Casework.ServiceDefaults;

namespace Casework.Intake.Apis;

/// <summary>A referral as a partner portal (or a member of staff) submits it.</summary>
public sealed record SubmitReferralRequest(
    PersonInput? Person,
    string? Reason,
    string? RequestedPathwayId,
    string? ConcernLevel,
    ConsentInput? Consent,
    string? ReferringOrganisation,
    string? ExternalReference);

/// <summary>The person being referred.</summary>
public sealed record PersonInput(string? GivenName, string? FamilyName, DateOnly? DateOfBirth, string? Email, string? Phone, string? Postcode);

/// <summary>The person's consent to the referral: it must be given; scope says to what.</summary>
public sealed record ConsentInput(bool? Given, string? Scope);

public sealed record AcceptReferralRequest(string? PathwayId, string? ConcernLevel);

public sealed record DeclineReferralRequest(string? Reason);

/// <summary>A referral as the API returns it. Partners get the same shape without staff-only details.</summary>
public sealed record ReferralView(
    Guid Id,
    string Status,
    Guid PersonId,
    string PersonDisplayName,
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
    IReadOnlyList<ReferralTransition>? History)
{
    public static ReferralView From(Referral r, long version, bool forPartner) =>
        new(r.Id, r.Status, r.PersonId, r.PersonDisplayName, r.Source, r.PartnerClientId, r.ReferringOrganisation, r.ExternalReference,
            r.RequestedPathwayId, r.ConcernLevel, r.ReceivedAt, r.PathwayId, forPartner ? null : r.CaseId, r.DecidedAt, r.DeclineReason,
            version, forPartner ? null : r.History);
}

internal static partial class ReferralValidation
{
    public static ValidationErrors Validate(SubmitReferralRequest request, DateTimeOffset now)
    {
        var errors = new ValidationErrors();
        if (errors.Check(request.Person is not null, "person", "The field is required.") && request.Person is { } person)
        {
            errors.Required("person.givenName", person.GivenName, 100);
            errors.Required("person.familyName", person.FamilyName, 100);
            if (person.DateOfBirth is { } dateOfBirth)
            {
                errors.Check(dateOfBirth <= DateOnly.FromDateTime(now.UtcDateTime) && dateOfBirth.Year >= 1900,
                    "person.dateOfBirth", "The date of birth must be a past date after 1900.");
            }
            if (errors.Optional("person.email", person.Email, 254) && person.Email is not null)
            {
                errors.Check(Email().IsMatch(person.Email), "person.email", "The field must be an email address.");
            }
            if (errors.Optional("person.phone", person.Phone, 30) && person.Phone is not null)
            {
                errors.Check(Phone().IsMatch(person.Phone), "person.phone", "The field must be a phone number (digits, spaces, +, -, brackets).");
            }
            errors.Optional("person.postcode", person.Postcode, 12);
        }
        errors.Required("reason", request.Reason, 4000);
        ValidatePathwayId(errors, "requestedPathwayId", request.RequestedPathwayId, required: false);
        errors.OneOf("concernLevel", request.ConcernLevel, ConcernLevels.All, required: false);
        if (errors.Check(request.Consent is not null, "consent", "The field is required."))
        {
            errors.Check(request.Consent!.Given == true, "consent.given", "The person's consent to the referral is required.");
            errors.Optional("consent.scope", request.Consent.Scope, 500);
        }
        errors.Optional("referringOrganisation", request.ReferringOrganisation, 200);
        errors.Optional("externalReference", request.ExternalReference, 100);
        return errors;
    }

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
