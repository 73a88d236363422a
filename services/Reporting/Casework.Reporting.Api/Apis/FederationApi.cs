using System.Globalization;
using Casework.Persistence;
using Casework.Reporting.Federation;
using Casework.Reporting.Rendering;
using Casework.ServiceDefaults;

namespace Casework.Reporting.Apis;

/// <summary>
/// Federation: a region exports its signed, suppressed rollup; a national instance ingests rollups from trusted regions and
/// reports across them. See the README's "Federation" section for the ledger rules and how a national body collects rollups.
/// </summary>
public static class FederationApi
{
    /// <summary>A rollup is a few tables of published figures (kilobytes); anything this large is not one.</summary>
    public const int MaxEnvelopeBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapFederationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/reporting/federation")
            .WithTags("Federation")
            .RequireScope(ReportingService.Scope);

        api.MapGet("/rollup", RollupAsync)
            .RequireStaff(CaseworkRoles.Manager, CaseworkRoles.Admin)
            .WithName("RegionalRollup")
            .WithSummary("This region's signed, suppressed rollup of a period (managers, admins), as a file to send to the national body")
            .WithDescription(
                "from and to are dates (yyyy-MM-dd, both inclusive). Answers the signed envelope {regionId, algorithm, payload, signature}. " +
                "Audited. 503 when this region has no signing key configured.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/rollups", IngestAsync)
            .RequireStaff(CaseworkRoles.Admin)
            .WithName("IngestRollup")
            .WithSummary("Ingest a region's signed rollup (admins of the national instance; body: the envelope as downloaded)")
            .WithDescription(
                "Verified against the trusted regions' keys. 201: ingested. 200: the same figures were already ingested (nothing stored). " +
                "409: different figures for an ingested region and period; replace=true replaces them when the new rollup was generated later. " +
                "400: malformed, bad signature or region mismatch; 422: unknown region, unsupported schema, unsuppressed counts or another " +
                "threshold; 413: over 1 MiB.")
            .Accepts<SignedRollupBody>("application/json")
            .Produces<IngestResult>(StatusCodes.Status201Created)
            .Produces<IngestResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/rollups", ListAsync)
            .RequireStaff(CaseworkRoles.Manager, CaseworkRoles.Admin, CaseworkRoles.Auditor)
            .WithName("IngestedRollups")
            .WithSummary("The rollups this instance has ingested (region, period, content hash, freshness, who ingested them)")
            .Produces<IReadOnlyList<IngestedRollupView>>();

        api.MapGet("/national", (HttpContext http, IDocumentStore store, string? from, string? to, CancellationToken ct) =>
                NationalAsync(http, store, from, to, NationalForm.Json, ct))
            .RequireStaff(CaseworkRoles.Manager, CaseworkRoles.Admin, CaseworkRoles.Auditor)
            .WithName("NationalReport")
            .WithSummary("The national report of one period, combined from the rollups ingested for exactly that period")
            .WithDescription("Also as /national.html (self-contained page) and /national.csv (a zip of one CSV per section). 404 when no rollup of that period is ingested.")
            .Produces<NationalReportView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/national.html", (HttpContext http, IDocumentStore store, string? from, string? to, CancellationToken ct) =>
                NationalAsync(http, store, from, to, NationalForm.Html, ct))
            .RequireStaff(CaseworkRoles.Manager, CaseworkRoles.Admin, CaseworkRoles.Auditor)
            .WithName("NationalReportHtml")
            .Produces(StatusCodes.Status200OK, contentType: "text/html");
        api.MapGet("/national.csv", (HttpContext http, IDocumentStore store, string? from, string? to, CancellationToken ct) =>
                NationalAsync(http, store, from, to, NationalForm.Csv, ct))
            .RequireStaff(CaseworkRoles.Manager, CaseworkRoles.Admin, CaseworkRoles.Auditor)
            .WithName("NationalReportCsv")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip");
        return app;
    }

    private static async Task<IResult> RollupAsync(
        HttpContext http, IRegionalReportSource source, FederationKeys keys, ReportingOptions options, IDocumentStore store, TimeProvider time,
        string? from, string? to, CancellationToken cancellationToken)
    {
        if (ParsePeriod(from, to, out var period) is { } invalid) return invalid;
        if (keys.Signer is not { } signer)
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "This region has no signing key configured.",
                detail: $"Set {FederationKeys.Section}:SigningKeyPem (a secret) and {FederationKeys.Section}:RegionId to export rollups.");

        var report = await source.BuildAsync(period, cancellationToken);
        // The rollup speaks for the configured region, whatever the report calls itself.
        var published = options.CreateSuppression().Publish(report) with { Region = signer.RegionId };
        var now = time.GetUtcNow();
        var envelope = signer.Sign(RegionalRollup.From(published, now)).ToJson();

        // Who exported which period is committed before the file leaves the service.
        await using (var session = store.OpenSession())
        {
            session.Audit(http, "export-rollup", "rollup", IngestedRollup.IdOf(signer.RegionId, period), now);
            await session.CommitAsync(cancellationToken);
        }
        return TypedResults.File(envelope, "application/json",
            $"rollup-{signer.RegionId}-{IngestedRollup.Date(period.From)}-{IngestedRollup.Date(period.To)}.json");
    }

    private static async Task<IResult> IngestAsync(
        HttpContext http, FederationKeys keys, ReportingOptions options, IDocumentStore store, TimeProvider time, bool? replace,
        CancellationToken cancellationToken)
    {
        if (await ReadBodyAsync(http.Request, cancellationToken) is not { } body)
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The rollup is too large.",
                detail: $"A signed rollup is at most {MaxEnvelopeBytes} bytes.");

        // The envelope's region only picks which ledger entries to read; the verifier authenticates it before anything is trusted.
        SignedRollup envelope;
        try { envelope = SignedRollup.FromJson(body); }
        catch (FormatException e) { return Rejected(RollupRejection.Malformed, e.Message); }
        var ingested = RegionalRollup.IsRegionId(envelope.RegionId)
            ? await store.QueryAllAsync<IngestedRollup>(new DocumentFilter().Equal("regionId", envelope.RegionId), cancellationToken)
            : [];
        var ledger = new StoredRollupLedger(ingested.Select(s => s.Document));

        var verification = keys.Verifier.Verify(envelope, ledger);
        var replacing = false;
        if (verification.Rejection == RollupRejection.ConflictsWithIngested && replace == true)
        {
            verification = keys.Verifier.Verify(envelope, ledger: null);
            replacing = verification.IsValid;
        }
        if (!verification.IsValid) return Rejected(verification.Rejection!.Value, verification.Detail!);

        var rollup = verification.Rollup!;
        if (rollup.Report.SuppressionThreshold != options.SmallNumberThreshold)
            return Rejected(RollupRejection.NotSuppressed,
                $"The rollup suppresses counts under {rollup.Report.SuppressionThreshold}; this instance combines rollups suppressed under {options.SmallNumberThreshold} (Reporting:SmallNumberThreshold).");

        var id = IngestedRollup.IdOf(rollup.RegionId, rollup.Period);
        var existing = ingested.FirstOrDefault(s => s.Id == id);
        if (verification.AlreadyIngested)
            return TypedResults.Ok(IngestResult.Of("alreadyIngested", existing!.Document));

        var now = time.GetUtcNow();
        await using var session = store.OpenSession();
        IngestedRollup stored;
        if (replacing)
        {
            if (rollup.GeneratedAt <= existing!.Document.GeneratedAt)
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The replacement is not newer.",
                    detail: $"The ingested rollup of region '{rollup.RegionId}' for this period was generated at {existing.Document.GeneratedAt:O}; a replacement must be generated later.",
                    extensions: Reason(RollupRejection.ConflictsWithIngested));
            stored = IngestedRollup.Of(rollup, verification.ContentHash!, body, now, http.ActorId(), existing.Document.Replaced + 1);
            session.Update(id, stored, existing.Version);
        }
        else
        {
            stored = IngestedRollup.Of(rollup, verification.ContentHash!, body, now, http.ActorId());
            session.Insert(id, stored);
        }
        session.Audit(http, replacing ? "replace-rollup" : "ingest-rollup", "rollup", id, now);
        try
        {
            await session.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is DuplicateDocumentException or StaleVersionException)
        {
            // A concurrent ingest of this region and period committed first and nothing of this one was written: the
            // same figures are then simply already there (a retried upload), other figures a conflict.
            var winner = await store.GetAsync<IngestedRollup>(id, cancellationToken);
            if (winner is { } held && held.Document.ContentHash == verification.ContentHash)
                return TypedResults.Ok(IngestResult.Of("alreadyIngested", held.Document));
            return Rejected(RollupRejection.ConflictsWithIngested,
                $"A different rollup of region '{rollup.RegionId}' for this period was ingested meanwhile.");
        }
        return replacing
            ? TypedResults.Ok(IngestResult.Of("replaced", stored))
            : TypedResults.Created($"/api/reporting/federation/rollups?regionId={rollup.RegionId}", IngestResult.Of("ingested", stored));
    }

    private static async Task<IResult> ListAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        var all = await store.QueryAllAsync<IngestedRollup>(new DocumentFilter(), cancellationToken);
        return TypedResults.Ok(all
            .Select(s => IngestedRollupView.Of(s.Document))
            .OrderByDescending(r => r.From, StringComparer.Ordinal).ThenBy(r => r.To, StringComparer.Ordinal).ThenBy(r => r.RegionId, StringComparer.Ordinal)
            .ToList());
    }

    private enum NationalForm { Json, Html, Csv }

    private static async Task<IResult> NationalAsync(HttpContext http, IDocumentStore store, string? from, string? to, NationalForm form, CancellationToken cancellationToken)
    {
        if (ParsePeriod(from, to, out var period) is { } invalid) return invalid;
        var stored = await store.QueryAllAsync<IngestedRollup>(
            new DocumentFilter().Equal("from", IngestedRollup.Date(period.From)).Equal("to", IngestedRollup.Date(period.To)), cancellationToken);
        if (stored.Count == 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No rollup of this period is ingested.",
                detail: "Rollups are combined only for the exact period they cover; GET /api/reporting/federation/rollups lists the ingested ones.");

        var title = $"National report {IngestedRollup.Date(period.From)} to {IngestedRollup.Date(period.To)}";
        PublishedReport report;
        try { report = NationalRollup.Combine(stored.Select(s => s.Document.Rollup()).ToList(), title); }
        catch (ArgumentException e)
        {
            // Verified rollups that still do not fit together (e.g. ingested under another threshold before it changed).
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The ingested rollups of this period cannot be combined.", detail: e.Message);
        }
        var name = $"national-{IngestedRollup.Date(period.From)}-{IngestedRollup.Date(period.To)}";
        return form switch
        {
            NationalForm.Html => TypedResults.Content(HtmlReport.Render(report), "text/html; charset=utf-8"),
            NationalForm.Csv => TypedResults.File(CsvExport.Zip(report), "application/zip", $"{name}-csv.zip"),
            _ => TypedResults.Ok(NationalReportView.Of(report, stored.Select(s => IngestedRollupView.Of(s.Document)).OrderBy(r => r.RegionId, StringComparer.Ordinal).ToList())),
        };
    }

    private static IResult? ParsePeriod(string? from, string? to, out ReportPeriod period)
    {
        var errors = new ValidationErrors();
        period = ReportPeriodQuery.Read(errors, from, to)!;
        return errors.Any ? errors.ToProblem() : null;
    }

    /// <summary>The body, or null when it is over <see cref="MaxEnvelopeBytes"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxEnvelopeBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxEnvelopeBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>What failed, in the problem's title and as a machine-readable reason.</summary>
    private static IResult Rejected(RollupRejection rejection, string detail)
    {
        var (status, title) = rejection switch
        {
            RollupRejection.Malformed => (StatusCodes.Status400BadRequest, "The signed rollup is malformed."),
            RollupRejection.BadSignature => (StatusCodes.Status400BadRequest, "The signature does not verify."),
            RollupRejection.RegionMismatch => (StatusCodes.Status400BadRequest, "The rollup names another region than its signature."),
            RollupRejection.UnknownRegion => (StatusCodes.Status422UnprocessableEntity, "The region is not trusted here."),
            RollupRejection.UnsupportedSchemaVersion => (StatusCodes.Status422UnprocessableEntity, "The rollup's schema version is not supported."),
            RollupRejection.NotSuppressed => (StatusCodes.Status422UnprocessableEntity, "The rollup is not suppressed as this instance requires."),
            _ => (StatusCodes.Status409Conflict, "A different rollup of this region and period is already ingested."),
        };
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: Reason(rejection));
    }

    private static Dictionary<string, object?> Reason(RollupRejection rejection) =>
        new() { ["reason"] = JsonNamingPolicyCamel(rejection.ToString()) };

    private static string JsonNamingPolicyCamel(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);
}
