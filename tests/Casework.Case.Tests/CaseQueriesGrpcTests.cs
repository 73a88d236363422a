extern alias CaseApi;

using Casework.Contracts.Grpc.Case.V1;
using Casework.Testing;
using Grpc.Core;
using MassTransit;

namespace Casework.Case.Tests;

/// <summary>Case's internal gRPC API through a real gRPC client, answered for the forwarded user's token.</summary>
[Collection(CaseCollection.Name)]
public sealed class CaseQueriesGrpcTests(CaseFixture fixture)
{
    private static Metadata As(string token) => new() { { "Authorization", "Bearer " + token } };

    private static readonly string HousingWorker = CaseFixture.Staff("cw-housing-grpc", "caseworker", "housing");
    private static readonly string EmploymentWorker = CaseFixture.Staff("cw-employment-grpc", "caseworker", "employment");

    private CaseQueries.CaseQueriesClient Client() => new(fixture.GrpcChannel());

    private async Task<Guid> AssignedHousingCaseAsync()
    {
        var caseId = (await fixture.OpenCaseAsync("housing-support", "High")).Document.Id;
        await fixture.Bus.Publish(new Casework.Contracts.Events.CaseAssigned(caseId, "worker-grpc", "Wendy Worker", "housing", DateTimeOffset.UtcNow),
            context => context.MessageId = NewId.NextGuid());
        await Eventually.Until(() => fixture.Store.GetAsync<CaseApi::Casework.Case.Domain.SupportCase>(caseId.ToString()),
            c => c!.Document.AssignedWorkerId is not null, what: "the assignment");
        return caseId;
    }

    [Fact]
    public async Task CheckAccess_allows_staff_of_the_cases_team_with_its_details()
    {
        var caseId = await AssignedHousingCaseAsync();
        var reply = await Client().CheckAccessAsync(new CheckAccessRequest { CaseId = caseId.ToString() }, As(HousingWorker));
        Assert.True(reply.Allowed);
        Assert.Equal("housing", reply.TeamId);
        Assert.Equal("worker-grpc", reply.AssignedWorkerId);
        Assert.False(reply.Closed);
    }

    [Fact]
    public async Task CheckAccess_denies_other_teams_and_unknown_cases_alike()
    {
        var caseId = await AssignedHousingCaseAsync();
        var client = Client();

        var denied = await client.CheckAccessAsync(new CheckAccessRequest { CaseId = caseId.ToString() }, As(EmploymentWorker));
        var missing = await client.CheckAccessAsync(new CheckAccessRequest { CaseId = Guid.NewGuid().ToString() }, As(HousingWorker));
        var malformed = await client.CheckAccessAsync(new CheckAccessRequest { CaseId = "not-a-guid" }, As(HousingWorker));

        foreach (var reply in new[] { denied, missing, malformed })
        {
            Assert.False(reply.Allowed);
            Assert.Equal("", reply.TeamId); // nothing about a case the caller may not see
            Assert.Equal("", reply.AssignedWorkerId);
        }
    }

    [Fact]
    public async Task GetCaseSummary_answers_for_a_permitted_user_and_is_not_found_otherwise()
    {
        var caseId = await AssignedHousingCaseAsync();
        var client = Client();

        var summary = await client.GetCaseSummaryAsync(new GetCaseSummaryRequest { CaseId = caseId.ToString() }, As(HousingWorker));
        Assert.Equal(caseId.ToString(), summary.CaseId);
        Assert.Equal("housing", summary.TeamId);
        Assert.Equal("housing-support", summary.PathwayId);
        Assert.Equal("Open", summary.Status);
        Assert.Equal("High", summary.ConcernLevel);
        Assert.Equal("worker-grpc", summary.AssignedWorkerId);
        Assert.Equal(2, summary.Version);

        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetCaseSummaryAsync(new GetCaseSummaryRequest { CaseId = caseId.ToString() }, As(EmploymentWorker)));
        Assert.Equal(StatusCode.NotFound, denied.StatusCode);
        var missing = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetCaseSummaryAsync(new GetCaseSummaryRequest { CaseId = Guid.NewGuid().ToString() }, As(HousingWorker)));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task GetPathway_answers_staff_and_refuses_partners()
    {
        var client = Client();
        var pathway = await client.GetPathwayAsync(new GetPathwayRequest { PathwayId = "housing-support" }, As(EmploymentWorker));
        Assert.Equal("housing-support", pathway.PathwayId);
        Assert.Equal("Housing Support", pathway.Name);
        Assert.Equal("housing", pathway.TeamId);
        Assert.True(pathway.Active);
        Assert.Equal(1, pathway.Version);
        // The screening checklist Intake asks staff to answer.
        Assert.Equal(["in-area", "housing-need"], pathway.ScreeningQuestions.Select(q => q.Id));
        Assert.All(pathway.ScreeningQuestions, q => Assert.Equal(("yesno", true), (q.Kind, q.Required)));

        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetPathwayAsync(new GetPathwayRequest { PathwayId = "no-such-pathway" }, As(EmploymentWorker)));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        var partner = TestTokens.Partner("portal-1", [CaseFixture.Audience], "cases");
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetPathwayAsync(new GetPathwayRequest { PathwayId = "housing-support" }, As(partner)));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task A_partner_is_never_allowed_a_case()
    {
        var caseId = await AssignedHousingCaseAsync();
        var partner = TestTokens.Create([CaseFixture.Audience], "cases", [
            new System.Security.Claims.Claim("sub", "portal-1"), new System.Security.Claims.Claim("client_id", "portal-1"),
            new System.Security.Claims.Claim("role", "partner"), new System.Security.Claims.Claim("role", "caseworker"),
            new System.Security.Claims.Claim("team", "housing"),
        ]);
        var reply = await Client().CheckAccessAsync(new CheckAccessRequest { CaseId = caseId.ToString() }, As(partner));
        Assert.False(reply.Allowed);
    }

    [Fact]
    public async Task Calls_without_a_token_are_unauthenticated()
    {
        var failure = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client().CheckAccessAsync(new CheckAccessRequest { CaseId = Guid.NewGuid().ToString() }));
        Assert.Equal(StatusCode.Unauthenticated, failure.StatusCode);
    }
}
