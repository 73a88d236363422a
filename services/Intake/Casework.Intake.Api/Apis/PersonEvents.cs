using Casework.Contracts.Events;
using Casework.Intake.Domain;

namespace Casework.Intake.Apis;

/// <summary>
/// The person's events, built in one place so every publisher sends the same coarse facts for counting (year of birth,
/// postcode district, equality answers) and nothing finer: no contact details, full date of birth or full postcode.
/// </summary>
internal static class PersonEvents
{
    public static PersonRegistered Registered(Person p, DateTimeOffset at) =>
        new(p.Id, p.DisplayName, at, p.BirthYear, p.PostcodeDistrict, p.Gender, p.Ethnicity, p.Disability);

    public static PersonUpdated Updated(Person p, DateTimeOffset at) =>
        new(p.Id, p.DisplayName, at, p.BirthYear, p.PostcodeDistrict, p.Gender, p.Ethnicity, p.Disability);
}
