using Casework.Contracts.Grpc.Case.V1;
using Casework.Intake.Apis;
using Casework.Intake.Consumers;
using Casework.Intake.Domain;
using Casework.Intake.Grpc;
using Casework.Intake.Webhooks;
using Casework.Messaging;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Intake;

public static class IntakeService
{
    public const string Name = "intake";
    public const string Audience = "casework-intake";

    /// <summary>Scopes: partners write and read their referrals; staff use the whole intake API.</summary>
    public const string StaffScope = "intake";
    public const string ReferralsWriteScope = "intake.referrals.write";
    public const string ReferralsReadScope = "intake.referrals.read";

    public static readonly ServiceDescription Description = new(Name, Audience, "intake", "Casework Intake API",
        "People and referrals. Partner portals submit referrals (scope intake.referrals.write) and read the status of their own " +
        "referrals (intake.referrals.read), by polling or through a signed status webhook; staff screen, accept or decline them, and find and correct people's records (scope intake).");

    /// <summary>The collections this service stores and their indexes (public: the MongoDB engine's tests map every one).</summary>
    public static void DeclareCollections(DocumentCollections collections) =>
        collections
            .Add<Person>("people", ["familyNameKey", "givenNameKey"], ["dateOfBirth"], ["emailKey"], ["phoneKey"], ["postcodeKey"],
                ["familyNamePhonetic", "givenNamePhonetic"])
            .Add<Referral>("referrals", ["status", "receivedAt"], ["receivedAt"], ["partnerClientId", "receivedAt"], ["personId"], ["status", "decisionDueAt"])
            .Add<IdempotencyRecord>("idempotency_keys", ["createdAt"])
            .Add<WebhookSubscription>("webhook_subscriptions")
            .Add<WebhookDelivery>("webhook_deliveries", ["nextAttemptAt"], ["clientId", "createdAt"], ["clientId", "nextAttemptAt"], ["referralId"],
                ["state", "createdAt"])
            .AddAuditLog();

    public static WebApplicationBuilder AddIntakeService(this WebApplicationBuilder builder)
    {
        builder.AddDocumentStore(DeclareCollections);
        builder.AddDocumentUpgrade<Person, PersonKeysUpgrade>();
        builder.AddMessaging(Name, bus => bus.AddConsumer<CaseOpenedConsumer>());
        builder.Services.AddUserForwardingGrpcClient<CaseQueries.CaseQueriesClient>(builder.Configuration, "Services:Case:Grpc");
        builder.AddDecisionSla();
        builder.AddEqualityMonitoring();
        builder.AddPartnerWebhooks();
        builder.Services.AddOptions<RetentionOptions>().Bind(builder.Configuration.GetSection(RetentionOptions.Section));
        builder.Services.AddSingleton<IntakeRetention>();
        builder.Services.AddHostedService(services => services.GetRequiredService<IntakeRetention>());
        return builder;
    }

    public static WebApplication MapIntakeService(this WebApplication app)
    {
        app.MapMessagingAdmin(Description.ApiSegment);
        app.MapReferralsApi();
        app.MapWebhooksApi();
        app.MapPeopleApi();
        app.MapDuplicatesApi();
        app.MapGrpcService<IntakeQueriesService>().RequireAuthorization();
        return app;
    }
}
