namespace Casework.Intake.Domain;

/// <summary>Who someone is. One person may have many referrals and cases over time.</summary>
public sealed record Person(
    Guid Id,
    string GivenName,
    string FamilyName,
    DateOnly? DateOfBirth,
    string? Email,
    string? Phone,
    string? Postcode,
    DateTimeOffset CreatedAt,
    string CreatedBy)
{
    public string DisplayName => $"{GivenName} {FamilyName}";
}
