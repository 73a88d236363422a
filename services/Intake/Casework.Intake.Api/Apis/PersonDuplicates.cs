using Casework.Contracts.Events;
using Casework.Domain;
using Casework.Intake.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Intake.Apis;

/// <summary>Finding a person's possible duplicates in the store, and merging one record into another.</summary>
internal static class PersonDuplicates
{
    /// <summary>
    /// The people who may be <paramref name="prospect"/>, scored, best first: found by the matcher's indexed
    /// lookups (a few small reads, never a scan of everyone), then ranked (see <see cref="PersonMatcher.Rank"/>).
    /// </summary>
    public static async Task<IReadOnlyList<PersonMatch>> FindAsync(
        IDocumentStore store, MatchProfile prospect, Person? subject, CancellationToken cancellationToken)
    {
        var found = new List<Person>();
        foreach (var lookup in PersonMatcher.Lookups(prospect))
        {
            var filter = new DocumentFilter();
            foreach (var (field, value) in lookup.Fields)
            {
                filter.Equal(field, value);
            }
            var page = await store.QueryAsync<Person>(
                new DocumentQuery { Filter = filter, Limit = PersonMatcher.LookupLimit, CountLimit = 0 }, cancellationToken);
            found.AddRange(page.Items.Select(p => p.Document));
        }
        return PersonMatcher.Rank(prospect, found, subject);
    }

    /// <summary>
    /// Queues on <paramref name="session"/> the merge of <paramref name="duplicate"/> into <paramref name="survivor"/>:
    /// both records, the records merged into the duplicate before (now pointing at the survivor), the duplicate's
    /// referrals (now the survivor's), the audit entries, PeopleMerged and PersonUpdated with the survivor's facts. Every write carries the version read,
    /// so a concurrent change fails the commit (409) and nothing is half-merged. Returns the survivor as it will be.
    /// </summary>
    /// <exception cref="Casework.ServiceDefaults.DomainRuleException">Either record was merged already, or they are one record.</exception>
    public static async Task<Stored<Person>> MergeAsync(
        IDocumentSession session, IDocumentStore store, HttpContext http, Stored<Person> survivor, Stored<Person> duplicate,
        Guid? referralId, string? reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var by = http.ActorId();
        var merged = survivor.Document.Absorb(duplicate.Document, by, now, referralId, reason);
        session.Update(survivor.Id, merged, survivor.Version);
        session.Update(duplicate.Id, duplicate.Document.MarkMergedInto(merged.Id, by, now), duplicate.Version);
        foreach (var earlier in duplicate.Document.Merges)
        {
            if (await store.GetAsync<Person>(earlier.PersonId.ToString(), cancellationToken) is { Document.MergedInto: not null } record)
            {
                session.Update(record.Id, record.Document.RedirectTo(merged.Id), record.Version);
            }
        }
        var referrals = await store.QueryAllAsync<Referral>(new DocumentFilter().Equal("personId", duplicate.Id), cancellationToken);
        foreach (var referral in referrals)
        {
            session.Update(referral.Id, referral.Document.MovedTo(merged), referral.Version);
        }
        session.Audit(http, "merge", "person", survivor.Id, now);
        session.Audit(http, "merged", "person", duplicate.Id, now, parentId: survivor.Id);
        session.Publish(new PeopleMerged(merged.Id, merged.DisplayName, [duplicate.Document.Id, .. duplicate.Document.Merges.Select(m => m.PersonId)],
            by, now));
        // The survivor's facts restated with the merge, so a reader counting people (Reporting) holds the values that now stand
        // for every merged record, even for a survivor registered before events carried them.
        session.Publish(PersonEvents.Updated(merged, now));
        return new Stored<Person>(survivor.Id, survivor.Version + 1, merged);
    }
}
