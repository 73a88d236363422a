using System.Text.Json.Serialization;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Reporting.Domain;

/// <summary>
/// One note as reporting counts it (support delivered): its type and minutes, when it happened and the region's week
/// and month of that. No content, no author name. One document per note, so a duplicate event changes nothing and
/// "notes by type and hours over a date range" reads only the notes in that range (index on happenedAt).
/// Team and pathway are the case's (from <see cref="CaseReport"/>, joined by caseId), not copied here: a note can arrive
/// before its case's opening.
/// </summary>
public sealed record NoteFact(
    Guid NoteId,
    Guid CaseId,
    string Type,
    int Minutes,
    bool Restricted,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset HappenedAt,
    string HappenedWeek,
    string HappenedMonth,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset WrittenAt)
{
    public static string DocumentId(Guid noteId) => noteId.ToString();

    /// <summary>The note as first added (an amendment changes the text, which reporting never holds).</summary>
    public static NoteFact From(NoteAdded e, TimeZoneInfo zone)
    {
        var happened = (e.HappenedAt ?? e.OccurredAt).ToUniversalTime();
        return new NoteFact(e.NoteId, e.CaseId, e.Type, Math.Max(0, e.DurationMinutes ?? 0), e.Restricted, happened,
            Periods.Week(happened, zone), Periods.Month(happened, zone), e.OccurredAt.ToUniversalTime());
    }

    /// <summary>An amendment may restrict a note (never unrestricts one in reporting's counts).</summary>
    public NoteFact Apply(NoteAmended e) => e.Restricted == true && !Restricted ? this with { Restricted = true } : this;
}

/// <summary>A worker's name as the latest assignment gave it (for the dashboard's open cases by worker).</summary>
public sealed record WorkerReport(string WorkerId, string Name, DateTimeOffset NamedAt)
{
    public WorkerReport Apply(CaseAssigned e) =>
        e.OccurredAt.ToUniversalTime() >= NamedAt ? this with { Name = e.WorkerName, NamedAt = e.OccurredAt.ToUniversalTime() } : this;

    public static WorkerReport From(CaseAssigned e) => new(e.WorkerId, e.WorkerName, e.OccurredAt.ToUniversalTime());
}

/// <summary>
/// A pathway's latest published version: its name, owning team (which team's supervisors see its referrals) and the labels
/// of its outcome framework (null when the publisher sent none). A label of an outcome a later version dropped is gone:
/// reports show such an id as it is (<see cref="OutcomeLabel"/>).
/// </summary>
public sealed record PathwayReport(string PathwayId, int Version, string Name, string TeamId, bool Active,
    IReadOnlyList<PathwayOutcome>? Outcomes = null)
{
    public PathwayReport Apply(PathwayPublished e) => e.Version > Version ? From(e) : this;

    public static PathwayReport From(PathwayPublished e) => new(e.PathwayId, e.Version, e.Name, e.TeamId, e.Active, e.Outcomes);

    public string OutcomeLabel(string outcomeId) =>
        Outcomes?.FirstOrDefault(o => o.Id == outcomeId)?.Label is { Length: > 0 } label ? label : outcomeId;
}
