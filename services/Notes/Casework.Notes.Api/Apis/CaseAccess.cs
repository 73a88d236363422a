using Casework.Contracts.Grpc.Case.V1;
using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Grpc.Core;

namespace Casework.Notes.Apis;

/// <summary>A case the caller may see, as Case says (for this caller) and as far as Notes knows it (when it opened).</summary>
public sealed record VisibleCase(Guid Id, CheckAccessReply Reply, CaseRecord? Record)
{
    public NoteCase AsNoteCase() => new(Reply.TeamId, Reply.AssignedWorkerId is { Length: > 0 } worker ? worker : null);

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
        var record = await store.GetAsync<CaseRecord>(caseId.ToString(), cancellationToken);
        return (new VisibleCase(caseId, reply, record?.Document), null);
    }
}
