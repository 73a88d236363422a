using Casework.Contracts.Grpc.Intake.V1;
using Casework.Intake.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Grpc.Core;

namespace Casework.Intake.Grpc;

/// <summary>Person and referral lookups for other services, answered for the forwarded end user.</summary>
public sealed class IntakeQueriesService(IDocumentStore store) : IntakeQueries.IntakeQueriesBase
{
    public override async Task<PersonSummary> GetPerson(GetPersonRequest request, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        if (user.IsPartner())
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "Partners cannot look up people."));
        }
        var person = Guid.TryParse(request.PersonId, out var id)
            ? await store.GetAsync<Person>(id.ToString(), context.CancellationToken)
            : null;
        return person is null
            ? throw new RpcException(new Status(StatusCode.NotFound, "No such person."))
            : new PersonSummary { PersonId = person.Id, DisplayName = person.Document.DisplayName };
    }

    public override async Task<ReferralSummary> GetReferral(GetReferralRequest request, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        var referral = Guid.TryParse(request.ReferralId, out var id)
            ? await store.GetAsync<Referral>(id.ToString(), context.CancellationToken)
            : null;
        if (referral is null || (user.IsPartner() && referral.Document.PartnerClientId != user.ClientId()))
        {
            throw new RpcException(new Status(StatusCode.NotFound, "No such referral."));
        }
        var r = referral.Document;
        return new ReferralSummary
        {
            ReferralId = r.Id.ToString(),
            PersonId = r.PersonId.ToString(),
            Status = r.Status,
            Source = r.Source,
            CaseId = r.CaseId?.ToString() ?? "",
        };
    }
}
