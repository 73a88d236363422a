using Casework.Messaging;
using Casework.Persistence;
using Casework.Reporting.Apis;
using Casework.Reporting.Consumers;
using Casework.Reporting.Domain;
using Casework.ServiceDefaults;

namespace Casework.Reporting;

public static class ReportingService
{
    public const string Name = "reporting";
    public const string Audience = "casework-reporting";
    public const string Scope = "reporting";

    public static readonly ServiceDescription Description = new(Name, Audience, "reporting", "Casework Reporting API",
        "Counts of referrals and cases by status and pathway, built from the platform's events only (read models), " +
        "for supervisors, managers, admins and auditors (scope reporting).");

    public static WebApplicationBuilder AddReportingService(this WebApplicationBuilder builder)
    {
        builder.AddDocumentStore(collections => collections
            .Add<ReferralReport>("referrals", ["status"], ["pathwayId"])
            .Add<CaseReport>("cases", ["teamId", "status"], ["status"], ["pathwayId"]));
        builder.AddMessaging(Name, bus =>
        {
            bus.AddConsumer<ReferralReceivedConsumer>();
            bus.AddConsumer<ReferralAcceptedConsumer>();
            bus.AddConsumer<ReferralScreeningStartedConsumer>();
            bus.AddConsumer<ReferralDeclinedConsumer>();
            bus.AddConsumer<ReferralWithdrawnConsumer>();
            bus.AddConsumer<CaseOpenedConsumer>();
            bus.AddConsumer<CaseAssignedConsumer>();
            bus.AddConsumer<CaseClosedConsumer>();
            bus.AddConsumer<CaseReopenedConsumer>();
            bus.AddConsumer<ConcernLevelChangedConsumer>();
        });
        return builder;
    }

    public static WebApplication MapReportingService(this WebApplication app)
    {
        app.MapMessagingAdmin(Description.ApiSegment);
        app.MapSummaryApi();
        return app;
    }
}
