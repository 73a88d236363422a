using Casework.Contracts.Grpc.Case.V1;
using Casework.Messaging;
using Casework.Notes.Apis;
using Casework.Notes.Domain;
using Casework.Notes.Grpc;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Notes;

public static class NotesService
{
    public const string Name = "notes";
    public const string Audience = "casework-notes";
    public const string Scope = "notes";

    public static readonly ServiceDescription Description = new(Name, Audience, "notes", "Casework Notes API",
        "Case notes: the append-only record of interactions, observations and plans. Staff (scope notes) who may see a case " +
        "may read and add its notes; restricted (safeguarding) notes only the assigned worker, supervisors and managers, and every access to one is audited.");

    public static WebApplicationBuilder AddNotesService(this WebApplicationBuilder builder)
    {
        builder.AddDocumentStore(collections => collections
            .Add<CaseNote>("notes", ["caseId", "createdAt"])
            .AddAuditLog());
        // Notes publishes events but consumes none yet; the bus is still needed for the outbox relay.
        builder.AddMessaging(Name);
        builder.Services.AddUserForwardingGrpcClient<CaseQueries.CaseQueriesClient>(builder.Configuration, "Services:Case:Grpc");
        return builder;
    }

    public static WebApplication MapNotesService(this WebApplication app)
    {
        app.MapMessagingAdmin(Description.ApiSegment);
        app.MapNotesApi();
        app.MapGrpcService<NotesQueriesService>().RequireAuthorization();
        return app;
    }
}
