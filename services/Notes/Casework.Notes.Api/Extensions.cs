using Casework.Contracts.Grpc.Case.V1;
using Casework.Messaging;
using Casework.Notes.Apis;
using Casework.Notes.Consumers;
using Casework.Notes.Domain;
using Casework.Notes.Grpc;
using Casework.Notes.Hosting;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Notes;

public static class NotesService
{
    public const string Name = "notes";
    public const string Audience = "casework-notes";
    public const string Scope = "notes";

    public static readonly ServiceDescription Description = new(Name, Audience, "notes", "Casework Notes API",
        "Case notes: the append-only record of appointments, calls, visits, observations, plans and safeguarding concerns, corrected " +
        "by amendments that keep the original. Staff (scope notes) who may see a case may read and add its notes; restricted notes " +
        "only the case's worker, supervisors of its team and the roles the region grants, and every access to one is in the access " +
        "log auditors read. Note templates per pathway.");

    /// <summary>The collections this service stores and their indexes (public: the MongoDB engine's tests map every one).</summary>
    public static void DeclareCollections(DocumentCollections collections) =>
        collections
            .Add<CaseNote>("notes",
                ["caseId", "occurredAt", DocumentCollections.DocumentId],
                ["caseId", "writtenAt"],
                ["teamId", "occurredAt", DocumentCollections.DocumentId],
                ["occurredAt", DocumentCollections.DocumentId])
            .Add<CaseRecord>("cases", ["assignedWorkerId"])
            .Add<NoteTemplate>("note_templates", ["pathwayId"])
            // The access log is read by case (parentId) and, for auditors, by record type over time.
            .AddAuditLog(["parentId", "at"], ["recordType", "at"]);

    public static WebApplicationBuilder AddNotesService(this WebApplicationBuilder builder)
    {
        builder.AddDocumentStore(DeclareCollections);
        builder.AddDocumentUpgrade<CaseNote, NoteShapeUpgrade>();
        // The demo note templates, where Seed:DemoDataPath is set (the local run, tests).
        builder.AddDemoDataSeeder<TemplateSeeder>();
        builder.AddMessaging(Name, bus =>
        {
            bus.AddConsumer<CaseOpenedConsumer>();
            bus.AddConsumer<CaseAssignedConsumer>();
            bus.AddConsumer<CaseUnassignedConsumer>();
        });
        builder.Services.AddUserForwardingGrpcClient<CaseQueries.CaseQueriesClient>(builder.Configuration, "Services:Case:Grpc");
        // Which roles, besides a case's worker and its team's supervisors, read restricted notes (default: none).
        var readerRoles = builder.Configuration.GetSection("Notes:RestrictedNotes:ReaderRoles").Get<string[]>() ?? [];
        builder.Services.AddSingleton(new NoteAccess(readerRoles));
        builder.Services.AddScoped<CaseAccess>();
        builder.Services.AddScoped<NoteReading>();
        return builder;
    }

    public static WebApplication MapNotesService(this WebApplication app)
    {
        app.MapMessagingAdmin(Description.ApiSegment);
        app.MapNotesApi();
        app.MapNoteSearchApi();
        app.MapAccessLogApi();
        app.MapTemplatesApi();
        app.MapGrpcService<NotesQueriesService>().RequireAuthorization();
        return app;
    }
}
