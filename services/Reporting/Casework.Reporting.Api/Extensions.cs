using Casework.Messaging;
using Casework.Persistence;
using Casework.Reporting.Apis;
using Casework.Reporting.Domain;
using Casework.Reporting.Federation;
using Casework.Reporting.Projections;
using Casework.Reporting.Reports;
using Casework.ServiceDefaults;
using MassTransit;

namespace Casework.Reporting;

public static class ReportingService
{
    public const string Name = "reporting";
    public const string Audience = "casework-reporting";
    public const string Scope = "reporting";

    /// <summary>The command line's verb that rebuilds the read models from the event log and exits (see the README).</summary>
    public const string RebuildCommand = "rebuild";

    public static readonly ServiceDescription Description = new(Name, Audience, "reporting", "Casework Reporting API",
        "The operational dashboard and counts of referrals and cases, built from the platform's events only (read models and an " +
        "event log they can be rebuilt from), for supervisors, managers, admins and auditors (scope reporting).");

    /// <summary>The collections this service stores and their indexes (public: the MongoDB engine's tests map every one).</summary>
    public static void DeclareCollections(DocumentCollections collections) =>
        collections
            // Indexes lead with what the dashboard filters by: status and team for the open cases, the window's time for trends,
            // the decision deadline for overdue referrals, the review date for due reviews, the position for replaying the log;
            // the impact report reads the cases first contacted in a period, and the cases of a period's notes by id.
            .Add<ReferralReport>("referrals", ["status"], ["pathwayId", "status"], ["status", "decisionDueAt"], ["receivedAt"], ["pathwayId", "receivedAt"])
            .Add<CaseReport>("cases", ["teamId", "status"], ["status"], ["pathwayId"], ["status", "nextReviewOn"], ["teamId", "status", "nextReviewOn"],
                ["openedAt"], ["teamId", "openedAt"], ["closedAt"], ["teamId", "closedAt"], ["referralId"],
                ["firstContactAt"], ["teamId", "firstContactAt"], ["caseId"])
            .Add<NoteFact>("note_facts", ["happenedAt"], ["caseId", "happenedAt"])
            .Add<WorkerReport>("workers")
            .Add<PathwayReport>("pathways", ["teamId"])
            .Add<PersonReport>("people", ["personId"])
            .Add<EventLogEntry>("event_log", ["position"], ["appliedAt"])
            .Add<ReportingState>("reporting_state")
            .Add<IngestedRollup>("rollups", ["regionId"], ["from", "to"])
            .AddAuditLog();

    public static WebApplicationBuilder AddReportingService(this WebApplicationBuilder builder)
    {
        builder.AddDocumentStore(DeclareCollections);
        ReportingOptions.Register(builder.Services, builder.Configuration);
        builder.Services.AddSingleton(FederationKeys.From(builder.Configuration));
        builder.Services.AddSingleton(sp => new Projector(sp.GetRequiredService<RegionCalendar>().Zone));
        builder.Services.AddSingleton<ProjectionGate>();
        builder.Services.AddSingleton<Rebuilder>();
        builder.Services.AddSingleton<ImpactReport>();
        builder.Services.AddSingleton<IRegionalReportSource>(sp => sp.GetRequiredService<ImpactReport>());
        builder.AddMessaging(Name, bus =>
        {
            foreach (var type in Projector.Consumed)
            {
                // One queue per event type, named as the per-type consumers named theirs (reporting-case-opened), so the
                // queues an earlier version declared keep being read.
                bus.AddConsumer(typeof(EventConsumer<>).MakeGenericType(type))
                    .Endpoint(endpoint => endpoint.Name = $"{Name}-{KebabCaseEndpointNameFormatter.Instance.SanitizeName(type.Name)}");
            }
        });
        return builder;
    }

    public static WebApplication MapReportingService(this WebApplication app)
    {
        app.MapMessagingAdmin(Description.ApiSegment);
        app.MapSummaryApi();
        app.MapDashboardApi();
        app.MapImpactReportApi();
        app.MapFederationApi();
        return app;
    }

    /// <summary>The <c>rebuild</c> verb: ensures the schema, rebuilds the read models from the event log and exits.</summary>
    public static ServiceCommand Rebuild { get; } = new(RebuildCommand, RebuildReadModelsAsync);

    private static async Task<int> RebuildReadModelsAsync(WebApplication app)
    {
        await app.Services.GetRequiredService<IStoreSchema>().EnsureAsync(CancellationToken.None);
        var result = await app.Services.GetRequiredService<Rebuilder>().RunAsync(CancellationToken.None);
        Console.WriteLine($"Rebuilt the read models from {result!.EventsReplayed} logged events in {(result.FinishedAt - result.StartedAt).TotalSeconds:F1} s.");
        return 0;
    }
}
