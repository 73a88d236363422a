using Casework.Contracts.Grpc.Case.V1;
using Casework.Contracts.Grpc.Notes.V1;
using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Casework.Notes.Grpc;

/// <summary>
/// How many notes a case has and when the latest was written (no note content leaves this way), for a user who may see the case
/// (Case decides, for the forwarded user: NotFound otherwise, as for a case that does not exist).
/// </summary>
public sealed class NotesQueriesService(IDocumentStore store, CaseQueries.CaseQueriesClient cases) : NotesQueries.NotesQueriesBase
{
    public override async Task<NotesSummary> GetNotesSummary(GetNotesSummaryRequest request, ServerCallContext context)
    {
        if (!context.GetHttpContext().User.IsInAnyRole(CaseworkRoles.Staff))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "Only staff can read note summaries."));
        }
        if (!Guid.TryParse(request.CaseId, out var caseId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "case_id must be a GUID."));
        }
        await EnsureVisibleAsync(caseId, context.CancellationToken);
        var latest = await store.QueryAsync<CaseNote>(new DocumentQuery
        {
            Filter = new DocumentFilter().Equal("caseId", caseId.ToString()),
            OrderBy = "writtenAt",
            Descending = true,
            Limit = 1,
            CountLimit = null, // the summary gives the exact number of a case's notes
        }, context.CancellationToken);
        var summary = new NotesSummary { CaseId = caseId.ToString(), Count = (int)latest.Total };
        if (latest.Items.Count > 0)
        {
            summary.LatestAt = Timestamp.FromDateTimeOffset(latest.Items[0].Document.Normalised().WrittenAt);
        }
        return summary;
    }

    private async Task EnsureVisibleAsync(Guid caseId, CancellationToken cancellationToken)
    {
        CheckAccessReply reply;
        try
        {
            reply = await cases.CheckAccessAsync(new CheckAccessRequest { CaseId = caseId.ToString() }, cancellationToken: cancellationToken);
        }
        catch (RpcException exception)
        {
            // Case refused the forwarded user, or could not answer: say which, not what it said.
            throw new RpcException(new Status(exception.StatusCode, "Case could not confirm that the user may see the case."));
        }
        if (!reply.Allowed)
        {
            throw new RpcException(new Status(StatusCode.NotFound, "The case was not found."));
        }
    }
}
