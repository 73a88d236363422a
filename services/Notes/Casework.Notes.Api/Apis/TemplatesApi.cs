using Casework.Contracts.Events;
using Casework.Contracts.Grpc.Case.V1;
using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Grpc.Core;

namespace Casework.Notes.Apis;

/// <summary>Note templates per pathway: admins write them, staff read them to offer the right template for a case.</summary>
public static class TemplatesApi
{
    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/notes/templates").WithTags("Note templates").RequireScope(NotesService.Scope);

        templates.MapGet("", ListAsync).RequireStaff()
            .WithName("ListNoteTemplates")
            .WithSummary("A pathway's note templates (pathwayId required), by name")
            .Produces<IReadOnlyList<TemplateView>>()
            .ProducesValidationProblem();
        templates.MapGet("/{id:guid}", GetAsync).RequireStaff()
            .WithName("GetNoteTemplate")
            .WithSummary("One note template, with its ETag")
            .Produces<TemplateView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        templates.MapPost("", CreateAsync).RequireStaff(CaseworkRoles.Admin)
            .WithName("CreateNoteTemplate")
            .WithSummary("Create a note template for a pathway (admins)")
            .WithDescription("pathwayId (a pathway Case knows), noteType, name and sections (id, heading, required, hint). Publishes NoteTemplateSaved.")
            .Produces<TemplateView>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        templates.MapPut("/{id:guid}", EditAsync).RequireStaff(CaseworkRoles.Admin)
            .WithName("EditNoteTemplate")
            .WithSummary("Replace a note template (admins); needs If-Match (428 without, 412 when stale)")
            .WithDescription("Notes already written from it keep their body. Publishes NoteTemplateSaved.")
            .ProducesVersionedChange<TemplateView>();
        return app;
    }

    private static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The note template was not found.");

    private static async Task<IResult> ListAsync(string? pathwayId, IDocumentStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!errors.Required("pathwayId", pathwayId, 100))
        {
            return errors.ToProblem();
        }
        var found = await store.QueryAllAsync<NoteTemplate>(new DocumentFilter().Equal("pathwayId", pathwayId), cancellationToken);
        return TypedResults.Ok(found.Select(t => TemplateView.From(t.Document, t.Version)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList());
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync<NoteTemplate>(id.ToString(), cancellationToken);
        if (stored is null)
        {
            return NotFound();
        }
        ETags.Set(http.Response, stored.Version);
        return TypedResults.Ok(TemplateView.From(stored.Document, stored.Version));
    }

    private static async Task<IResult> CreateAsync(
        TemplateRequest request, HttpContext http, IDocumentStore store, CaseQueries.CaseQueriesClient cases, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await CheckAsync(request, cases, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        var now = clock.GetUtcNow();
        var template = new NoteTemplate(Guid.CreateVersion7(now), request.PathwayId!, request.NoteType!, request.Name!.Trim(),
            Sections(request), http.ActorId(), now);
        await using var session = store.OpenSession();
        session.Insert(template.Id.ToString(), template);
        session.Publish(Saved(template, 1));
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, 1);
        return TypedResults.Created($"/api/notes/templates/{template.Id}", TemplateView.From(template, 1));
    }

    private static async Task<IResult> EditAsync(
        Guid id, TemplateRequest request, HttpContext http, IDocumentStore store, CaseQueries.CaseQueriesClient cases, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (await CheckAsync(request, cases, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        await using var session = store.OpenSession();
        var (current, refusal) = await session.ReadForChangeAsync<NoteTemplate>(id.ToString(), http.Request, NotFound, cancellationToken, required: true);
        if (refusal is not null)
        {
            return refusal;
        }
        var edited = current!.Document with
        {
            PathwayId = request.PathwayId!, NoteType = request.NoteType!, Name = request.Name!.Trim(), Sections = Sections(request),
            UpdatedBy = http.ActorId(), UpdatedAt = clock.GetUtcNow(),
        };
        session.Update(current.Id, edited, current.Version);
        session.Publish(Saved(edited, current.Version + 1));
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, current.Version + 1);
        return TypedResults.Ok(TemplateView.From(edited, current.Version + 1));
    }

    public static NoteTemplateSaved Saved(NoteTemplate template, long version) =>
        new(template.Id, template.PathwayId, template.NoteType, template.Name, version, template.UpdatedBy, template.UpdatedAt);

    private static List<TemplateSection> Sections(TemplateRequest request) =>
        request.Sections!.Select(s => s! with { Heading = s.Heading.Trim(), Hint = string.IsNullOrWhiteSpace(s.Hint) ? null : s.Hint.Trim() }).ToList();

    /// <summary>The template's own rules, then whether Case knows the pathway (400 naming pathwayId if not).</summary>
    private static async Task<IResult?> CheckAsync(TemplateRequest request, CaseQueries.CaseQueriesClient cases, CancellationToken cancellationToken)
    {
        var errors = TemplateRules.Check(request.PathwayId, request.NoteType, request.Name, request.Sections);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        try
        {
            await cases.GetPathwayAsync(new GetPathwayRequest { PathwayId = request.PathwayId }, cancellationToken: cancellationToken);
            return null;
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            errors.Add("pathwayId", "No such pathway.");
            return errors.ToProblem();
        }
        catch (RpcException exception)
        {
            return GrpcCallProblems.For(exception, "case", "cases");
        }
    }
}
