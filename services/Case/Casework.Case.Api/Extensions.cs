using Casework.Case.Apis;
using Casework.Case.Consumers;
using Casework.Case.Domain;
using Casework.Case.Grpc;
using Casework.Messaging;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Case;

public static class CaseService
{
    public const string Name = "case";
    public const string Audience = "casework-case";
    public const string Scope = "cases";

    public static readonly ServiceDescription Description = new(Name, Audience, "cases", "Casework Case API",
        "Cases: one episode of support for one person on one pathway. Staff (scope cases) see the cases of their teams; " +
        "managers, admins and auditors see every case of the region.");

    /// <summary>The collections this service stores and their indexes (public: the MongoDB engine's tests map every one).</summary>
    public static void DeclareCollections(DocumentCollections collections) =>
        collections
            // Every list filter with the newest-first order, so a selective filter never walks the whole
            // newest-first index (a concern-level list read 20k cases per request at 100k, make bench).
            .Add<SupportCase>("cases", ["teamId", "status", "openedAt"], ["status", "openedAt"], ["openedAt"], ["pathwayId", "openedAt"],
                ["concernLevel", "openedAt"], ["assignedWorkerId", "openedAt"], ["referralId"], ["personId"],
                // Worklists: a stage, reviews due soonest first (per team or per worker), the most urgent first.
                // Sort keys with few values end with the id (the tie-break), or a page sorts thousands of ties
                // (32 ms for overdue-by-concern at 100k, make bench).
                ["stage", "openedAt"], ["teamId", "nextReviewOn"], ["assignedWorkerId", "nextReviewOn"], ["nextReviewOn", "id"], ["concernRank", "id"])
            .Add<Pathway>("pathways", ["name"])
            .Add<PathwayVersion>("pathway_versions")
            .Add<ReferralCase>("referral_cases");

    public static WebApplicationBuilder AddCaseService(this WebApplicationBuilder builder)
    {
        builder.AddDocumentStore(DeclareCollections);
        builder.Services.AddSingleton<PathwayCatalog>();
        builder.AddDocumentUpgrade<SupportCase, CaseShapeUpgrade>();
        // Seeded before the bus starts, so the first ReferralAccepted finds its pathway.
        builder.AddDemoDataSeeder<PathwaySeeder>();
        builder.AddMessaging(Name, bus =>
        {
            bus.AddConsumer<ReferralAcceptedConsumer>();
            bus.AddConsumer<CaseAssignedConsumer>();
            bus.AddConsumer<CaseUnassignedConsumer>();
            bus.AddConsumer<PersonUpdatedConsumer>();
            bus.AddConsumer<PeopleMergedConsumer>();
        });
        return builder;
    }

    public static WebApplication MapCaseService(this WebApplication app)
    {
        app.MapMessagingAdmin(Description.ApiSegment);
        app.MapCasesApi();
        app.MapCaseCommandsApi();
        app.MapPathwaysApi();
        app.MapGrpcService<CaseQueriesService>().RequireAuthorization();
        return app;
    }
}
