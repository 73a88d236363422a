namespace Casework.Intake.Domain;

/// <summary>The person at the referring organisation whom staff contact about a referral.</summary>
public sealed record ReferringContact(string Name, string? Email, string? Phone, string? Role);

/// <summary>Who gave a referral's consent.</summary>
public static class ConsentGivers
{
    /// <summary>The person being referred.</summary>
    public const string Person = "person";

    /// <summary>Someone entitled to act for them (a parent, guardian, attorney or advocate), named on the consent.</summary>
    public const string Representative = "representative";

    public static readonly IReadOnlyList<string> All = [Person, Representative];
}
