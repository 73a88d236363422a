using Casework.Case.Apis;
using Casework.Case.Domain;
using Casework.Contracts.Grpc.Case.V1;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Grpc.Core;

namespace Casework.Case.Grpc;

/// <summary>Case queries for other services, answered for the end user whose token they forward.</summary>
public sealed class CaseQueriesService(IDocumentStore store, PathwayCatalog pathways) : CaseQueries.CaseQueriesBase
{
    public override async Task<CaseSummary> GetCaseSummary(GetCaseSummaryRequest request, ServerCallContext context)
    {
        var stored = await FindVisibleAsync(request.CaseId, context)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "No such case."));
        var c = stored.Document;
        return new CaseSummary
        {
            CaseId = c.Id.ToString(),
            PersonId = c.PersonId.ToString(),
            PersonDisplayName = c.PersonDisplayName,
            PathwayId = c.PathwayId,
            TeamId = c.TeamId,
            Status = c.Status,
            Stage = c.Stage,
            ConcernLevel = c.ConcernLevel,
            AssignedWorkerId = c.AssignedWorkerId ?? "",
            Version = stored.Version,
        };
    }

    public override async Task<CheckAccessReply> CheckAccess(CheckAccessRequest request, ServerCallContext context)
    {
        var stored = await FindVisibleAsync(request.CaseId, context);
        if (stored is null)
        {
            return new CheckAccessReply { Allowed = false };
        }
        var reply = new CheckAccessReply
        {
            Allowed = true,
            TeamId = stored.Document.TeamId,
            AssignedWorkerId = stored.Document.AssignedWorkerId ?? "",
            Closed = stored.Document.Status == CaseStatus.Closed,
            PathwayId = stored.Document.PathwayId,
            PathwayVersion = stored.Document.PathwayVersion,
        };
        reply.GoalIds.AddRange(stored.Document.Goals.Select(g => g.Id.ToString()));
        return reply;
    }

    public override async Task<Contracts.Grpc.Case.V1.Pathway> GetPathway(GetPathwayRequest request, ServerCallContext context)
    {
        if (!context.GetHttpContext().User.IsInAnyRole(CaseworkRoles.Staff))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "Only staff can read pathways."));
        }
        var stored = await pathways.CurrentAsync(request.PathwayId, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "No such pathway."));
        var pathway = stored.Document;
        var reply = new Contracts.Grpc.Case.V1.Pathway
        {
            PathwayId = stored.Id, Name = pathway.Name, TeamId = pathway.TeamId, Active = pathway.Active, Version = Math.Max(pathway.Version, 1),
        };
        foreach (var question in pathway.ScreeningQuestions)
        {
            reply.ScreeningQuestions.Add(new Contracts.Grpc.Case.V1.Question
            {
                Id = question.Id, Text = question.Text, Kind = question.Kind, Required = question.Required, Options = { question.Options ?? [] },
            });
        }
        return reply;
    }

    private async Task<Stored<SupportCase>?> FindVisibleAsync(string caseId, ServerCallContext context)
    {
        if (!Guid.TryParse(caseId, out var id))
        {
            return null;
        }
        var stored = await store.GetAsync<SupportCase>(id.ToString(), context.CancellationToken);
        return stored is not null && CaseAccess.MaySee(stored.Document, context.GetHttpContext().User.ToCaseViewer()) ? stored : null;
    }
}
