using Casework.Assignment.Apis;
using Casework.Assignment.Assigning;
using Casework.Assignment.Consumers;
using Casework.Assignment.Domain;
using Casework.Assignment.Grpc;
using Casework.Assignment.Hosting;
using Casework.Messaging;
using Casework.Persistence;
using Casework.ServiceDefaults;
using MassTransit;

namespace Casework.Assignment;

public static class AssignmentService
{
    public const string Name = "assignment";
    public const string Audience = "casework-assignment";
    public const string Scope = "assignment";

    public static readonly ServiceDescription Description = new(Name, Audience, "assignment", "Casework Assignment API",
        "Teams, workers, their capacity in hours and who is accountable for each open case. Cases are assigned automatically when they open, " +
        "to the team's available worker with the most free hours, or wait in the team's queue. Staff only (scope assignment).");

    /// <summary>The collections this service stores and their indexes (public: the MongoDB engine's tests map every one).</summary>
    public static void DeclareCollections(DocumentCollections collections) =>
        collections
            .Add<Team>("teams", ["name"])
            .Add<Worker>("workers", ["name"], ["overCapacity", "name"])
            .Add<CaseAssignment>("assignments", ["status", "openedAt"], ["teamId", "status"], ["workerId", "status"], ["status", "nextReviewOn"])
            .Add<AssignmentChange>("assignment_history", ["caseId"]);

    public static WebApplicationBuilder AddAssignmentService(this WebApplicationBuilder builder)
    {
        builder.AddDocumentStore(DeclareCollections);
        // Documents stored before hours (case counts, one team per worker) are brought up to date, and every worker's load
        // set from their assignments, before the seeder, the bus and HTTP start (see StoredDataAtStart).
        builder.Services.AddSingleton<IDocumentUpgrade<Worker>, WorkerShapeUpgrade>();
        builder.Services.AddSingleton<IDocumentUpgrade<CaseAssignment>, AssignmentShapeUpgrade>();
        builder.Services.AddSingleton<StoredDataAtStart>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StoredDataAtStart>());
        // Registered before the bus so the teams and workers exist before the first CaseOpened is consumed.
        builder.AddDemoDataSeeder<WorkerSeeder>();
        builder.AddMessaging(Name, bus =>
        {
            bus.AddConsumer<CaseOpenedConsumer>();
            bus.AddConsumer<CaseClosedConsumer>();
            bus.AddConsumer<CaseReopenedConsumer>();
            bus.AddConsumer<ConcernLevelChangedConsumer>();
            bus.AddConsumer<ReviewScheduledConsumer>();
        });
        builder.Services.AddScoped<CaseAssigner>();
        builder.Services.AddScoped<CaseMoves>();
        builder.Services.AddScoped<QueueFiller>();
        builder.Services.AddScoped<CapacityUnit>();
        builder.Services.AddScoped<LoadRecount>();
        builder.Services.AddScoped<Handover>();
        return builder;
    }

    public static WebApplication MapAssignmentService(this WebApplication app)
    {
        app.MapMessagingAdmin(Description.ApiSegment);
        app.MapAssignmentApi();
        app.MapTeamsApi();
        app.MapWorkersApi();
        app.MapGrpcService<AssignmentQueriesService>().RequireAuthorization();
        return app;
    }
}
