extern alias AssignmentApi;
extern alias CaseApi;
extern alias IntakeApi;
extern alias NotesApi;
extern alias ReportingApi;

using Casework.Contracts.Events;

namespace Casework.Persistence.Mongo.Tests;

/// <summary>What the services store, read from their own declarations (so a collection added later is covered too).</summary>
public static class StoredTypes
{
    public static readonly IReadOnlyList<(string Service, DocumentCollections Collections)> Services =
    [
        ("intake", Declared(IntakeApi::Casework.Intake.IntakeService.DeclareCollections)),
        ("case", Declared(CaseApi::Casework.Case.CaseService.DeclareCollections)),
        ("notes", Declared(NotesApi::Casework.Notes.NotesService.DeclareCollections)),
        ("assignment", Declared(AssignmentApi::Casework.Assignment.AssignmentService.DeclareCollections)),
        ("reporting", Declared(ReportingApi::Casework.Reporting.ReportingService.DeclareCollections)),
    ];

    private static DocumentCollections Declared(Action<DocumentCollections> declare)
    {
        var collections = new DocumentCollections();
        declare(collections);
        return collections;
    }

    /// <summary>Every document type of every service, and every integration event type (outbox payloads).</summary>
    public static IEnumerable<object[]> Documents() =>
        Services.SelectMany(s => s.Collections.All.Select(c => new object[] { $"{s.Service}.{c.Name}", c.DocumentType }))
            .Concat(EventTypes.All.Select(t => new object[] { "event." + t.Name, t }));

    public static IEnumerable<object[]> Collections() =>
        Services.SelectMany(s => s.Collections.All.Select(c => new object[] { s.Service, c.Name }));

    public static CollectionDefinition Collection(string service, string name) =>
        Services.Single(s => s.Service == service).Collections.All.Single(c => c.Name == name);
}
