using Casework.Contracts.Grpc.Case.V1;
using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Grpc.Core;

namespace Casework.Notes.Apis;

/// <summary>A case the caller may see, as Case says (for this caller) and as far as Notes knows it (when it opened).</summary>
public sealed record VisibleCase(Guid Id, CheckAccessReply Reply, CaseRecord? Record)
{
    public NoteCase AsNoteCase() => CaseAccess.AsNoteCase(Reply);

    public CaseFacts Facts() => new(Reply.GoalIds, Record?.OpenedAt, Reply.Closed);
}

/// <summary>Asks Case, for this user, whether the case exists and may be seen; both "no" answers are a 404.</summary>
public sealed class CaseAccess(CaseQueries.CaseQueriesClient cases, IDocumentStore store)
{
    public static IResult CaseNotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The case was not found.");

    public async Task<(VisibleCase? Case, IResult? Refusal)> CheckAsync(Guid caseId, CancellationToken cancellationToken)
    {
        CheckAccessReply reply;
        try
        {
            reply = await cases.CheckAccessAsync(new CheckAccessRequest { CaseId = caseId.ToString() }, cancellationToken: cancellationToken);
        }
        catch (RpcException exception)
        {
            return (null, GrpcCallProblems.For(exception, "case", "cases"));
        }
        if (!reply.Allowed)
        {
            return (null, CaseNotFound());
        }
        var record = (await store.GetAsync<CaseRecord>(caseId.ToString(), cancellationToken))?.Document;
        if (record is null && reply.TeamId is { Length: > 0 })
        {
            record = await RecordAsync(caseId, reply, cancellationToken);
        }
        return (new VisibleCase(caseId, reply, record), null);
    }

    /// <summary>
    /// Starts Notes' copy of a case it has had no event of (opened before Notes kept one) from Case's answer, and gives the case's
    /// notes stored without a team that team, so cross-case search finds them from now on.
    /// </summary>
    private async Task<CaseRecord> RecordAsync(Guid caseId, CheckAccessReply reply, CancellationToken cancellationToken)
    {
        var record = CaseRecord.Unknown(caseId) with { TeamId = reply.TeamId, AssignedWorkerId = AsNoteCase(reply).AssignedWorkerId };
        await using (var session = store.OpenSession())
        {
            session.Insert(caseId.ToString(), record);
            try
            {
                await session.CommitAsync(cancellationToken);
            }
            catch (DuplicateDocumentException)
            {
                // An event (or another request) started it meanwhile: theirs stands.
            }
        }
        await NoteTeams.StampAsync(store, caseId, reply.TeamId, cancellationToken);
        return record;
    }

    /// <summary>How long cross-case search waits for Case's answers before it redacts what Case has not confirmed.</summary>
    public static readonly TimeSpan ConfirmDeadline = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Case's answer for each of <paramref name="caseIds"/> the caller may see (asked once per case, in parallel, within
    /// <see cref="ConfirmDeadline"/>); a case Case refuses, or does not answer for in time, is left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, NoteCase>> ConfirmAsync(IEnumerable<Guid> caseIds, CancellationToken cancellationToken)
    {
        var confirmed = new System.Collections.Concurrent.ConcurrentDictionary<Guid, NoteCase>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ConfirmDeadline);
        var options = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = deadline.Token };
        try
        {
            await Parallel.ForEachAsync(caseIds.Distinct(), options, async (caseId, token) =>
            {
                try
                {
                    var reply = await cases.CheckAccessAsync(new CheckAccessRequest { CaseId = caseId.ToString() },
                        deadline: DateTime.UtcNow + ConfirmDeadline, cancellationToken: token);
                    if (reply.Allowed)
                    {
                        confirmed[caseId] = AsNoteCase(reply);
                    }
                }
                catch (RpcException)
                {
                    // Not confirmed: the caller sees the note redacted.
                }
            });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The deadline passed: what was confirmed by then counts.
        }
        return confirmed;
    }

    public static NoteCase AsNoteCase(CheckAccessReply reply) =>
        new(reply.TeamId, reply.AssignedWorkerId is { Length: > 0 } worker ? worker : null);
}
