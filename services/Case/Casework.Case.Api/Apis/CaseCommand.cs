using Casework.Case.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Case.Apis;

/// <summary>What a change to a case sees: the case, the pathway version it follows, who acts and when; and the events it publishes.</summary>
public sealed class CaseChangeContext(SupportCase supportCase, long version, Pathway pathway, string actor, DateTimeOffset now, DateOnly today)
{
    private readonly List<Action<IDocumentSession>> _events = [];

    public SupportCase Case { get; } = supportCase;

    /// <summary>The version the case will have once this change commits (events carry it, for ordering).</summary>
    public long NextVersion { get; } = version + 1;
    public Pathway Pathway { get; } = pathway;
    public string Actor { get; } = actor;
    public DateTimeOffset Now { get; } = now;

    /// <summary>The region's date now (review and resume dates are judged by it).</summary>
    public DateOnly Today { get; } = today;

    /// <summary>Publishes the event with the change (dropped if the change turns out to change nothing).</summary>
    public void Publish<TEvent>(TEvent integrationEvent) where TEvent : class => _events.Add(session => session.Publish(integrationEvent));

    internal void PublishTo(IDocumentSession session) => _events.ForEach(publish => publish(session));
}

/// <summary>
/// The one way a case changes over HTTP: read it at the version the caller names in If-Match (required), check the caller works in its team,
/// apply the domain change, and commit the case with its events (and ReviewScheduled whenever the next review
/// date moves) in one transaction.
/// </summary>
public sealed record CaseCommand(HttpContext Http, IDocumentStore Store, PathwayCatalog Pathways, TimeProvider Clock, RegionCalendar Calendar, CancellationToken CancellationToken)
{
    public async Task<IResult> ApplyAsync(Guid id, Func<CaseChangeContext, SupportCase> change)
    {
        await using var session = Store.OpenSession();
        // If-Match is required: a change sent twice (a retry after a timeout) must not add a second goal or review.
        var viewer = Http.User.ToCaseViewer();
        var (current, refusal) = await session.ReadForChangeAsync<SupportCase>(id.ToString(), Http.Request, CasesApi.CaseNotFound, CancellationToken,
            visible: c => CaseAccess.MaySee(c, viewer), required: true);
        if (current is null)
        {
            return refusal!;
        }
        var pathway = await Pathways.OfCaseAsync(current.Document, CancellationToken);
        var now = Clock.GetUtcNow();
        var context = new CaseChangeContext(current.Document, current.Version, pathway, Http.ActorId(), now, Calendar.Today(now));
        // A broken rule throws a domain exception: the service defaults answer it (409, 400 or 404) and nothing is committed.
        var changed = change(context);

        var stored = current;
        if (!ReferenceEquals(changed, current.Document))
        {
            session.Update(current.Id, changed, current.Version);
            context.PublishTo(session);
            if (changed.NextReviewOn is { } due && due != current.Document.NextReviewOn)
            {
                session.Publish(new ReviewScheduled(changed.Id, due, now, context.NextVersion));
            }
            await session.CommitAsync(CancellationToken);
            stored = new Stored<SupportCase>(current.Id, current.Version + 1, changed);
        }
        ETags.Set(Http.Response, stored.Version);
        return TypedResults.Ok(CaseView.From(stored, pathway, context.Today));
    }
}
