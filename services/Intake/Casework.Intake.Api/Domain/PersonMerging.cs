using System.Text.Json.Serialization;
using Casework.Domain;

namespace Casework.Intake.Domain;

/// <summary>This record was merged into another (the survivor): it stays readable, changes no more, and points there.</summary>
public sealed record MergedInto(Guid PersonId, string By, DateTimeOffset At);

/// <summary>A record merged into this one: its details, creation and history as they were, who merged it, when and why.</summary>
/// <param name="ReferralId">The referral whose "same person" decision merged it, if it came from one.</param>
public sealed record MergedRecord(
    Guid PersonId,
    PersonDetails Details,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    IReadOnlyList<PersonChange> History,
    string By,
    DateTimeOffset At,
    Guid? ReferralId,
    string? Reason);

/// <summary>Staff confirmed this person is not the other one (a "new person" decision), so neither is offered as the other's match again.</summary>
public sealed record DistinctPerson(Guid PersonId, string By, DateTimeOffset At, Guid? ReferralId);

/// <summary>
/// Merging duplicates. The survivor keeps its own details and history and records each merged record whole
/// (details, history, and the records merged into that one before); the merged record is marked with the
/// survivor and frozen. Records merged earlier follow to the new survivor, so a merged record points at the
/// record in use in one step.
/// </summary>
public sealed partial record Person
{
    public MergedInto? MergedInto { get; init; }

    public IReadOnlyList<MergedRecord> Merges { get; init; } = [];

    public IReadOnlyList<DistinctPerson> DistinctFrom { get; init; } = [];

    /// <summary>This record's id and those of every record merged into it.</summary>
    [JsonIgnore]
    public IReadOnlyList<Guid> KnownIds => [Id, .. Merges.Select(m => m.PersonId)];

    /// <summary>The survivor after <paramref name="duplicate"/> is merged into it.</summary>
    /// <exception cref="Casework.ServiceDefaults.DomainRuleException">Either record was merged already, or they are the same record.</exception>
    public Person Absorb(Person duplicate, string by, DateTimeOffset at, Guid? referralId, string? reason)
    {
        EnsureNotMerged();
        if (duplicate.Id == Id)
        {
            throw new DomainRuleException("A record cannot be merged into itself.");
        }
        if (duplicate.MergedInto is { } earlier)
        {
            throw new DomainRuleException($"Person {duplicate.Id} was already merged into {earlier.PersonId}.");
        }
        var merged = new MergedRecord(duplicate.Id, duplicate.Details, duplicate.CreatedAt, duplicate.CreatedBy, duplicate.History, by, at,
            referralId, reason);
        List<MergedRecord> merges = [.. Merges, .. duplicate.Merges, merged];
        var ids = merges.Select(m => m.PersonId).Append(Id).ToHashSet();
        return this with
        {
            Merges = merges,
            // A supervisor's merge overrides an earlier "new person" between the two.
            DistinctFrom = DistinctFrom.Concat(duplicate.DistinctFrom).Where(d => !ids.Contains(d.PersonId)).DistinctBy(d => d.PersonId).ToList(),
        };
    }

    /// <summary>This record, merged into <paramref name="survivorId"/>.</summary>
    public Person MarkMergedInto(Guid survivorId, string by, DateTimeOffset at) => this with { MergedInto = new MergedInto(survivorId, by, at) };

    /// <summary>A record merged earlier, pointing at the survivor of a later merge (who merged it and when stay as they were).</summary>
    public Person RedirectTo(Guid survivorId) =>
        MergedInto is { } mark ? this with { MergedInto = mark with { PersonId = survivorId } } : throw new DomainRuleException($"Person {Id} is not merged.");

    /// <summary>
    /// Records that this person is none of <paramref name="others"/> (staff said "new person"); the same instance
    /// when every one of them was recorded before.
    /// </summary>
    public Person ConfirmDistinctFrom(IEnumerable<Guid> others, string by, DateTimeOffset at, Guid? referralId)
    {
        EnsureNotMerged();
        var added = others.Where(o => !KnownIds.Contains(o) && DistinctFrom.All(d => d.PersonId != o)).Distinct()
            .Select(o => new DistinctPerson(o, by, at, referralId)).ToList();
        return added.Count == 0 ? this : this with { DistinctFrom = [.. DistinctFrom, .. added] };
    }

    /// <summary>Whether staff confirmed, on either record, that these are different people.</summary>
    public static bool AreKnownDistinct(Person a, Person b) =>
        a.DistinctFrom.Any(d => b.KnownIds.Contains(d.PersonId)) || b.DistinctFrom.Any(d => a.KnownIds.Contains(d.PersonId));

    /// <exception cref="Casework.ServiceDefaults.DomainRuleException">The record was merged into another and changes no more.</exception>
    public void EnsureNotMerged()
    {
        if (MergedInto is { } mark)
        {
            throw new DomainRuleException($"Person {Id} was merged into {mark.PersonId}; use that record.");
        }
    }
}

public static class ReferralMerging
{
    /// <summary>The referral, now for the person its person was merged into.</summary>
    public static Referral MovedTo(this Referral referral, Person survivor) =>
        referral with { PersonId = survivor.Id, PersonDisplayName = survivor.DisplayName };
}

