using Casework.Contracts.Grpc.Notes.V1;
using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Casework.Notes.Grpc;

/// <summary>How many notes a case has and when the latest was written (no note content leaves this way).</summary>
public sealed class NotesQueriesService(IDocumentStore store) : NotesQueries.NotesQueriesBase
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
}
