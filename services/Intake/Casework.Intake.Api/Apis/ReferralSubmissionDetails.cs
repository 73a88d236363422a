using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Casework.Contracts;
using Casework.Intake.Domain;
using Casework.ServiceDefaults;

namespace Casework.Intake.Apis;

/// <summary>The person at the referring organisation whom staff contact about the referral.</summary>
public sealed record ReferringContactInput(
    [property: Required, Description("Their name (up to 200 characters).")] string? Name = null,
    [property: Description("Email address (an email or a phone is required).")] string? Email = null,
    [property: Description("Phone number: digits, spaces, +, - and brackets (an email or a phone is required).")] string? Phone = null,
    [property: Description("Their role, e.g. \"Support worker\" (up to 100 characters).")] string? Role = null);

// Source, consent giver and referring contact of a submitted referral: the rules and the stored shape.
internal static partial class ReferralValidation
{
    private static readonly string[] StaffSources = [ReferralSources.Staff, ReferralSources.Self];

    private static void ValidateSubmissionDetails(ValidationErrors errors, SubmitReferralRequest request, DateTimeOffset now, bool fromPartner)
    {
        if (fromPartner)
        {
            errors.Check(request.Source is null or ReferralSources.Partner, "source", "Partner portals submit referrals with source \"partner\".");
        }
        else
        {
            errors.OneOf("source", request.Source, StaffSources, required: false);
        }

        if (request.Consent is { } consent)
        {
            var byRepresentative = consent.GivenBy == ConsentGivers.Representative;
            errors.OneOf("consent.givenBy", consent.GivenBy, ConsentGivers.All, required: false);
            if (byRepresentative)
            {
                errors.Required("consent.representativeName", consent.RepresentativeName, 200);
            }
            else
            {
                const string OnlyForRepresentative = "A representative is named only when givenBy is \"representative\".";
                errors.Check(consent.RepresentativeName is null, "consent.representativeName", OnlyForRepresentative);
                errors.Check(consent.RepresentativeRelationship is null, "consent.representativeRelationship", OnlyForRepresentative);
            }
            errors.Optional("consent.representativeRelationship", consent.RepresentativeRelationship, 100);
            if (consent.GivenAt is { } givenAt)
            {
                // A minute's grace for the referrer's clock running ahead of ours.
                errors.Check(givenAt <= now.AddMinutes(1) && givenAt.Year >= 2000, "consent.givenAt", "The consent must have been given in the past.");
            }
        }

        if (request.ReferringContact is { } contact)
        {
            errors.Required("referringContact.name", contact.Name, 200);
            if (errors.Optional("referringContact.email", contact.Email, 254) && !string.IsNullOrWhiteSpace(contact.Email))
            {
                errors.Check(Email().IsMatch(contact.Email.Trim()), "referringContact.email", "The field must be an email address.");
            }
            if (errors.Optional("referringContact.phone", contact.Phone, 30) && !string.IsNullOrWhiteSpace(contact.Phone))
            {
                errors.Check(Phone().IsMatch(contact.Phone.Trim()), "referringContact.phone", "The field must be a phone number (digits, spaces, +, -, brackets).");
            }
            errors.Check(!string.IsNullOrWhiteSpace(contact.Email) || !string.IsNullOrWhiteSpace(contact.Phone), "referringContact",
                "Give an email address or a phone number to reach the contact.");
            errors.Optional("referringContact.role", contact.Role, 100);
        }
    }

    /// <summary>The validated source: partners always "partner"; staff "staff" unless they record a self-referral.</summary>
    public static string SourceOf(SubmitReferralRequest request, bool fromPartner) =>
        fromPartner ? ReferralSources.Partner : request.Source ?? ReferralSources.Staff;

    /// <summary>The validated consent as stored, recorded by <paramref name="recordedBy"/> at <paramref name="now"/>.</summary>
    public static Consent ToConsent(ConsentInput consent, string recordedBy, DateTimeOffset now)
    {
        var byRepresentative = consent.GivenBy == ConsentGivers.Representative;
        return new Consent(true, Blank(consent.Scope), now)
        {
            GivenBy = byRepresentative ? ConsentGivers.Representative : ConsentGivers.Person,
            RepresentativeName = byRepresentative ? Blank(consent.RepresentativeName) : null,
            RepresentativeRelationship = byRepresentative ? Blank(consent.RepresentativeRelationship) : null,
            GivenAt = consent.GivenAt?.ToUniversalTime(),
            RecordedBy = recordedBy,
        };
    }

    public static ReferringContact? ToContact(ReferringContactInput? contact) =>
        contact is null ? null : new ReferringContact(contact.Name!.Trim(), Blank(contact.Email), Blank(contact.Phone), Blank(contact.Role));
}
