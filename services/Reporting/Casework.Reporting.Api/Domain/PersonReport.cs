using Casework.Contracts.Events;

namespace Casework.Reporting.Domain;

/// <summary>
/// One person as reporting sees them: only the coarse facts reports count by (year of birth, postcode district, equality
/// answers), never a name or contact details. Built from PersonRegistered and PersonUpdated (each carries every fact as
/// it is then, so the latest by event time wins whole; an older or repeated event changes nothing) and from PeopleMerged:
/// a merged record points at its survivor (the latest merge wins), and counts use the survivor's facts, so whichever of a
/// person's records a case names, the person is counted once. A record known only from a merge or a case has no facts
/// yet (<see cref="FactsAt"/> empty): any facts event fills it whenever it arrives.
/// </summary>
public sealed record PersonReport(
    Guid PersonId,
    int? BirthYear,
    string? PostcodeDistrict,
    string? Gender,
    string? Ethnicity,
    string? Disability,
    DateTimeOffset? FactsAt,
    Guid? MergedInto,
    DateTimeOffset? MergedAt)
{
    public static string DocumentId(Guid personId) => personId.ToString();

    public static PersonReport Empty(Guid personId) => new(personId, null, null, null, null, null, null, null, null);

    public PersonReport Apply(PersonRegistered e) =>
        WithFacts(e.OccurredAt, e.BirthYear, e.PostcodeDistrict, e.Gender, e.Ethnicity, e.Disability);

    public PersonReport Apply(PersonUpdated e) =>
        WithFacts(e.OccurredAt, e.BirthYear, e.PostcodeDistrict, e.Gender, e.Ethnicity, e.Disability);

    /// <summary>This record (one of the event's merged ids) now points at the survivor, unless a later merge already moved it on.</summary>
    public PersonReport MergedBy(PeopleMerged e)
    {
        var at = e.OccurredAt.ToUniversalTime();
        return MergedAt is { } seen && seen >= at ? this : this with { MergedInto = e.SurvivorId, MergedAt = at };
    }

    private PersonReport WithFacts(DateTimeOffset occurredAt, int? birthYear, string? district, string? gender, string? ethnicity, string? disability)
    {
        var at = occurredAt.ToUniversalTime();
        return FactsAt is { } seen && seen >= at
            ? this
            : this with
            {
                BirthYear = birthYear,
                PostcodeDistrict = district,
                Gender = gender,
                Ethnicity = ethnicity,
                Disability = disability,
                FactsAt = at,
            };
    }

    /// <summary>
    /// The event as Reporting keeps it in its log: people's events without the names they carry (the log is replayed to
    /// rebuild read models, and no read model needs a name). Any other event as it is.
    /// </summary>
    public static object WithoutNames(object integrationEvent) => integrationEvent switch
    {
        PersonRegistered e => e with { DisplayName = "" },
        PersonUpdated e => e with { DisplayName = "" },
        PeopleMerged e => e with { SurvivorDisplayName = "" },
        _ => integrationEvent,
    };
}
