extern alias CaseApi;

using System.Net;
using Casework.Contracts.Events;
using Casework.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Pathway = CaseApi::Casework.Case.Domain.Pathway;
using PathwayVersion = CaseApi::Casework.Case.Domain.PathwayVersion;
using ReferralAcceptedConsumer = CaseApi::Casework.Case.Consumers.ReferralAcceptedConsumer;

namespace Casework.Case.Tests;

[Collection(CaseCollection.Name)]
public sealed class CasesApiTests(CaseFixture fixture)
{
    // ---- seeding and opening

    [Fact]
    public async Task The_demo_pathways_are_seeded()
    {
        var housing = (await fixture.Store.GetAsync<Pathway>("housing-support"))!.Document;
        Assert.Equal(("Housing Support", "housing", true, 1), (housing.Name, housing.TeamId, housing.Active, housing.Version));
        Assert.Equal(["AssessmentComplete"], housing.RequiredToLeave("Assessment"));
        Assert.Contains(housing.Outcomes, o => o.Id == "secured-tenancy");
        // Version 1 is kept for the cases that follow it.
        var versionOne = await fixture.Store.GetAsync<PathwayVersion>(Pathway.VersionId("housing-support", 1));
        Assert.True(versionOne!.Document.Pathway.SameDefinitionAs(housing));

        using var client = fixture.Caseworker("employment");
        using var response = await client.GetAsync("/api/cases/pathways");
        var pathways = (await response.JsonAsync(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Contains("employment-programme", pathways.Select(p => p.Text("id")));
        Assert.Contains("housing-support", pathways.Select(p => p.Text("id")));
        Assert.Equal("employment", pathways.Single(p => p.Text("id") == "employment-programme").Text("teamId"));
    }

    [Fact]
    public async Task A_ReferralAccepted_opens_a_case_for_the_pathways_team_and_writes_CaseOpened()
    {
        var accepted = new ReferralAccepted(Guid.NewGuid(), Guid.NewGuid(), "Grace Hopper", "housing-support", "High", "intake-worker", DateTimeOffset.UtcNow);
        await fixture.Bus.Publish(accepted, context => context.MessageId = NewId.NextGuid());
        var opened = await Eventually.Until(() => fixture.CasesOfReferralAsync(accepted.ReferralId), p => p.Total > 0, what: "the case to open");
        var caseId = opened.Items[0].Document.Id;

        using var client = fixture.Caseworker("housing");
        using var response = await client.GetAsync($"/api/cases/{caseId}");
        var view = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal("housing", view.Text("teamId"));
        Assert.Equal("housing-support", view.Text("pathwayId"));
        Assert.Equal("Open", view.Text("status"));
        Assert.Equal("Intake", view.Text("stage"));
        Assert.Equal("High", view.Text("concernLevel"));
        Assert.Equal("Grace Hopper", view.Text("personDisplayName"));
        Assert.Equal(accepted.ReferralId, view.GetProperty("referralId").GetGuid());
        Assert.Equal(accepted.PersonId, view.GetProperty("personId").GetGuid());

        Assert.Contains(caseId, (await client.ItemsAsync()).Select(i => i.Id()));

        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'CaseOpened' AND payload->>'caseId' = $1 AND payload->>'referralId' = $2 AND payload->>'teamId' = 'housing' AND payload->>'pathwayId' = 'housing-support'",
            caseId.ToString(), accepted.ReferralId.ToString()));
    }

    [Fact]
    public async Task A_redelivered_ReferralAccepted_opens_no_second_case()
    {
        var messageId = NewId.NextGuid();
        var accepted = new ReferralAccepted(Guid.NewGuid(), Guid.NewGuid(), "Alan Turing", "employment-programme", "Low", "intake-worker", DateTimeOffset.UtcNow);

        // Delivered twice at once (a redelivery racing the first delivery): the inbox lets one through.
        await Task.WhenAll(
            fixture.Bus.Publish(accepted, context => context.MessageId = messageId),
            fixture.Bus.Publish(accepted, context => context.MessageId = messageId));
        await fixture.Consumed.WaitForAsync(messageId, times: 2);
        Assert.Equal(1, (await fixture.CasesOfReferralAsync(accepted.ReferralId)).Total);

        // The same referral again later under a new message id: the referral check finds the case.
        var otherMessageId = NewId.NextGuid();
        await fixture.Bus.Publish(accepted, context => context.MessageId = otherMessageId);
        await fixture.Consumed.WaitForAsync(otherMessageId);

        Assert.Equal(1, (await fixture.CasesOfReferralAsync(accepted.ReferralId)).Total);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'CaseOpened' AND payload->>'referralId' = $1", accepted.ReferralId.ToString()));
    }

    [Fact]
    public async Task Distinct_messages_for_one_referral_arriving_together_open_one_case()
    {
        var accepted = new ReferralAccepted(Guid.NewGuid(), Guid.NewGuid(), "Grace Hopper", "housing-support", "Medium", "intake-worker", DateTimeOffset.UtcNow);
        var messageIds = Enumerable.Range(0, 5).Select(_ => NewId.NextGuid()).ToArray();

        await Task.WhenAll(messageIds.Select(id => fixture.Bus.Publish(accepted, context => context.MessageId = id)));
        foreach (var id in messageIds)
        {
            await fixture.Consumed.WaitForAsync(id);
        }

        Assert.Equal(1, (await fixture.CasesOfReferralAsync(accepted.ReferralId)).Total);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'CaseOpened' AND payload->>'referralId' = $1", accepted.ReferralId.ToString()));
    }

    [Fact]
    public async Task A_ReferralAccepted_for_an_unknown_pathway_opens_nothing_and_lands_in_the_error_queue()
    {
        var messageId = NewId.NextGuid();
        var accepted = new ReferralAccepted(Guid.NewGuid(), Guid.NewGuid(), "Nobody", "no-such-pathway", "Low", "intake-worker", DateTimeOffset.UtcNow);
        var queue = fixture.Factory.Services.GetRequiredService<IEndpointNameFormatter>().Consumer<ReferralAcceptedConsumer>() + "_error";

        await fixture.Bus.Publish(accepted, context => context.MessageId = messageId);

        await using var connection = await TestBroker.ConnectAsync(CaseFixture.Vhost);
        Assert.NotNull(await connection.TakeMessageAsync(queue, messageId));
        Assert.Equal(0, (await fixture.CasesOfReferralAsync(accepted.ReferralId)).Total);
    }

    [Fact]
    public async Task CaseAssigned_sets_the_accountable_worker()
    {
        var opened = await fixture.OpenCaseAsync();
        var caseId = opened.Document.Id;

        await fixture.Bus.Publish(new CaseAssigned(caseId, "worker-assigned-1", "Wendy Worker", "housing", DateTimeOffset.UtcNow),
            context => context.MessageId = NewId.NextGuid());

        var assigned = await Eventually.Until(() => fixture.Store.GetAsync<CaseApi::Casework.Case.Domain.SupportCase>(caseId.ToString()),
            c => c!.Document.AssignedWorkerId is not null, what: "the assignment");
        Assert.Equal(2, assigned!.Version);
        using var client = fixture.Caseworker("housing");
        using var response = await client.GetAsync($"/api/cases/{caseId}");
        var view = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("worker-assigned-1", view.Text("assignedWorkerId"));
        Assert.Equal("Wendy Worker", view.Text("assignedWorkerName"));
        Assert.Equal("Assigned", view.GetProperty("timeline").EnumerateArray().Last().Text("what"));
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_corrected_name_shows_on_the_persons_cases_and_an_older_correction_arriving_late_changes_nothing()
    {
        var opened = await fixture.OpenCaseAsync();
        var caseId = opened.Document.Id.ToString();
        var personId = opened.Document.PersonId;
        var now = DateTimeOffset.UtcNow;

        var renamed = NewId.NextGuid();
        await fixture.PublishAsync(new PersonUpdated(personId, "Ada King", now), renamed);
        await fixture.Consumed.WaitForAsync<PersonUpdated>(renamed);
        Assert.Equal("Ada King", (await fixture.Store.GetAsync<CaseApi::Casework.Case.Domain.SupportCase>(caseId))!.Document.PersonDisplayName);

        var late = NewId.NextGuid();
        await fixture.PublishAsync(new PersonUpdated(personId, "Ada Lovelace", now.AddMinutes(-5)), late);
        await fixture.Consumed.WaitForAsync<PersonUpdated>(late);
        var stored = (await fixture.Store.GetAsync<CaseApi::Casework.Case.Domain.SupportCase>(caseId))!;
        Assert.Equal("Ada King", stored.Document.PersonDisplayName);
        Assert.Equal(2, stored.Version);
    }

    // ---- who sees what

    [Fact]
    public async Task A_caseworker_of_another_team_gets_404_and_does_not_see_the_case_listed()
    {
        var housingCase = (await fixture.OpenCaseAsync("housing-support")).Document.Id;

        using var employment = fixture.Caseworker("employment");
        using var response = await employment.GetAsync($"/api/cases/{housingCase}");
        await response.ProblemAsync(HttpStatusCode.NotFound);

        var listed = await employment.ItemsAsync();
        Assert.DoesNotContain(housingCase, listed.Select(i => i.Id()));
        Assert.All(listed, i => Assert.Equal("employment", i.Text("teamId")));

        // Asking for the other team's cases explicitly does not widen the view.
        Assert.Empty(await employment.ItemsAsync("&teamId=housing"));
    }

    [Fact]
    public async Task A_missing_case_is_a_404()
    {
        using var manager = fixture.Manager();
        using var response = await manager.GetAsync($"/api/cases/{Guid.NewGuid()}");
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_supervisor_sees_their_teams_cases_and_a_manager_sees_every_team()
    {
        var housingCase = (await fixture.OpenCaseAsync("housing-support")).Document.Id;
        var employmentCase = (await fixture.OpenCaseAsync("employment-programme")).Document.Id;

        using var supervisor = fixture.Client(CaseFixture.Staff("sup-1", "supervisor", "housing"));
        var supervised = (await supervisor.ItemsAsync()).Select(i => i.Id()).ToList();
        Assert.Contains(housingCase, supervised);
        Assert.DoesNotContain(employmentCase, supervised);

        using var manager = fixture.Manager();
        var all = (await manager.ItemsAsync()).Select(i => i.Id()).ToList();
        Assert.Contains(housingCase, all);
        Assert.Contains(employmentCase, all);
        using var get = await manager.GetAsync($"/api/cases/{employmentCase}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task A_caseworker_without_a_team_sees_no_cases()
    {
        await fixture.OpenCaseAsync();
        using var client = fixture.Client(CaseFixture.Staff("cw-teamless", "caseworker"));
        Assert.Empty(await client.ItemsAsync());
    }

    [Fact]
    public async Task A_partner_token_is_forbidden_and_no_token_is_unauthorised()
    {
        using var partner = fixture.Client(TestTokens.Partner("portal-1", [CaseFixture.Audience], "cases"));
        using var forbidden = await partner.GetAsync("/api/cases");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var noScope = fixture.Client(TestTokens.Staff("cw-1", "cw", ["caseworker"], ["housing"], [CaseFixture.Audience], "notes"));
        using var scopeless = await noScope.GetAsync("/api/cases");
        Assert.Equal(HttpStatusCode.Forbidden, scopeless.StatusCode);

        using var anonymous = fixture.Factory.CreateClient();
        using var unauthorised = await anonymous.GetAsync("/api/cases");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
    }

    // ---- list filters and paging

    [Fact]
    public async Task The_list_filters_by_status_pathway_concern_level_and_assigned_worker()
    {
        var employmentCase = (await fixture.OpenCaseAsync("employment-programme", "Critical")).Document.Id;
        var housingCase = (await fixture.OpenCaseAsync("housing-support", "Low")).Document.Id;
        var worker = "worker-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Bus.Publish(new CaseAssigned(housingCase, worker, "Wendy Worker", "housing", DateTimeOffset.UtcNow),
            context => context.MessageId = NewId.NextGuid());
        await Eventually.Until(() => fixture.Store.GetAsync<CaseApi::Casework.Case.Domain.SupportCase>(housingCase.ToString()),
            c => c!.Document.AssignedWorkerId == worker, what: "the assignment");
        using var manager = fixture.Manager();

        var open = await manager.ItemsAsync("&status=Open");
        Assert.Contains(housingCase, open.Select(i => i.Id()));
        Assert.All(open, i => Assert.Equal("Open", i.Text("status")));
        Assert.Empty(await manager.ItemsAsync("&status=Closed"));

        var employment = await manager.ItemsAsync("&pathwayId=employment-programme");
        Assert.Contains(employmentCase, employment.Select(i => i.Id()));
        Assert.DoesNotContain(housingCase, employment.Select(i => i.Id()));
        Assert.All(employment, i => Assert.Equal("employment-programme", i.Text("pathwayId")));

        var critical = await manager.ItemsAsync("&concernLevel=Critical");
        Assert.Contains(employmentCase, critical.Select(i => i.Id()));
        Assert.All(critical, i => Assert.Equal("Critical", i.Text("concernLevel")));

        using var assignedWorker = fixture.Caseworker("housing", subject: worker);
        var mine = await assignedWorker.ItemsAsync("&assignedTo=me");
        Assert.Equal([housingCase], mine.Select(i => i.Id()));
        var byId = await manager.ItemsAsync("&assignedTo=" + worker);
        Assert.Equal([housingCase], byId.Select(i => i.Id()));
    }

    [Fact]
    public async Task The_list_is_newest_first_pages_with_offset_and_limit_and_leaves_timelines_out()
    {
        for (var i = 0; i < 3; i++)
        {
            await fixture.OpenCaseAsync();
        }
        using var manager = fixture.Manager();
        var all = await manager.ItemsAsync();
        Assert.True(all.Count >= 3);
        var openedAt = all.Select(i => i.GetProperty("openedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(openedAt.OrderDescending(), openedAt);

        using var first = await manager.GetAsync("/api/cases?limit=2");
        using var second = await manager.GetAsync("/api/cases?limit=2&offset=2");
        var page1 = await first.JsonAsync(HttpStatusCode.OK);
        var page2 = await second.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(all.Count, page1.GetProperty("total").GetInt64());
        Assert.Equal(all.Count, page2.GetProperty("total").GetInt64());
        Assert.True(page1.GetProperty("totalIsExact").GetBoolean());
        // Lists carry summaries; the timeline comes with the case itself.
        Assert.All(page1.GetProperty("items").EnumerateArray(), item => Assert.False(item.TryGetProperty("timeline", out _)));
        Assert.Equal(2, page1.GetProperty("limit").GetInt32());
        Assert.Equal(2, page2.GetProperty("offset").GetInt32());
        var paged = page1.GetProperty("items").EnumerateArray().Concat(page2.GetProperty("items").EnumerateArray()).Select(i => i.Id()).ToList();
        Assert.Equal(all.Take(4).Select(i => i.Id()), paged);
    }

    [Fact]
    public async Task Bad_list_parameters_are_a_400_naming_each()
    {
        using var manager = fixture.Manager();
        using var response = await manager.GetAsync(
            $"/api/cases?status=Lost&concernLevel=Extreme&offset=-1&limit=0&pathwayId={new string('p', 65)}");
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(new[] { "concernLevel", "limit", "offset", "pathwayId", "status" }, problem.ErrorFields().Order(StringComparer.Ordinal));

        using var tooMany = await manager.GetAsync("/api/cases?limit=201");
        Assert.Equal(["limit"], (await tooMany.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var notANumber = await manager.GetAsync("/api/cases?offset=ten");
        Assert.True((await notANumber.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("offset", out _));
    }
}
