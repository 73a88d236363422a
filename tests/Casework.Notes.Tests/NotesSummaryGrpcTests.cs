using Casework.Contracts.Grpc.Notes.V1;
using Casework.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using static Casework.Notes.Tests.NotesApiTests;

namespace Casework.Notes.Tests;

/// <summary>The note summary over gRPC: a count and the latest write time, never content.</summary>
[Collection(NotesCollection.Name)]
public sealed class NotesSummaryGrpcTests(NotesFixture fixture)
{
    private NotesQueries.NotesQueriesClient Client() =>
        new(GrpcChannel.ForAddress(fixture.Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = fixture.Factory.Server.CreateHandler() }));

    private static Metadata As(string token) => new() { { "Authorization", "Bearer " + token } };

    [Fact]
    public async Task The_summary_counts_every_note_and_gives_the_latest_write_time_and_is_refused_to_partners()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var client = fixture.Client(NewId("cw"), "caseworker", "housing");
        await AddAsync(client, caseId, new { type = "Plan", body = "one" });
        var latest = await AddAsync(client, caseId, new { type = "SafeguardingConcern", body = "two", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-2) });

        var summary = await Client().GetNotesSummaryAsync(new GetNotesSummaryRequest { CaseId = caseId.ToString() },
            As(NotesFixture.Staff("cw", "caseworker", "housing")));

        Assert.Equal(2, summary.Count);
        Assert.Equal(latest.GetProperty("writtenAt").GetDateTimeOffset(), summary.LatestAt.ToDateTimeOffset());
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client().GetNotesSummaryAsync(
            new GetNotesSummaryRequest { CaseId = caseId.ToString() }, As(TestTokens.Partner("portal-1", NotesFixture.Audiences, "notes"))).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task Staff_of_another_team_get_NotFound_as_for_a_case_that_does_not_exist()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var client = fixture.Client(NewId("cw"), "caseworker", "housing");
        await AddAsync(client, caseId, new { type = "Plan", body = "one" });

        foreach (var (id, token) in new[]
        {
            (caseId, NotesFixture.Staff(NewId("cw"), "caseworker", "employment")),
            (caseId, NotesFixture.Staff(NewId("sup"), "supervisor", "employment")),
            (Guid.NewGuid(), NotesFixture.Staff(NewId("cw"), "caseworker", "housing")),
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => Client().GetNotesSummaryAsync(
                new GetNotesSummaryRequest { CaseId = id.ToString() }, As(token)).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        }
    }
}
