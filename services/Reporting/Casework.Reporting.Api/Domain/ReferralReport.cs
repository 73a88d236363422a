using System.Text.Json.Serialization;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Reporting.Domain;

public static class ReferralStatus
{
    public const string Received = "Received";
    public const string Accepted = "Accepted";
    public const string Declined = "Declined";
    public const string Screening = "Screening";
    public const string Withdrawn = "Withdrawn";

    /// <summary>
    /// How far along the lifecycle (Received → Screening → Accepted / Declined / Withdrawn) a status is.
    /// A referral only moves forward, so a late event of a lower rank never overwrites a higher one.
    /// </summary>
    /// <summary>Statuses still waiting for a decision (these can be overdue).</summary>
    public static readonly IReadOnlyList<string> Undecided = [Received, Screening];

    public static readonly IReadOnlyList<string> All = [Received, Screening, Accepted, Declined, Withdrawn];

    public static int Rank(string? status) => status switch
    {
        Received => 1,
        Screening => 2,
        Accepted or Declined or Withdrawn => 3,
        _ => 0,
    };

    /// <summary>The later of two statuses; between two decisions (same rank) the first one stays.</summary>
    public static string Advance(string current, string next) => Rank(next) > Rank(current) ? next : current;
}

/// <summary>
/// One referral as reporting sees it, built from Intake's events only. Each event owns its fields, so
/// the events can arrive in any order (and more than once) and end in the same document.
/// </summary>
public sealed record ReferralReport(
    Guid ReferralId,
    string Status,
    string? Source,
    string? PartnerClientId,
    string? RequestedPathwayId,
    string? AcceptedPathwayId,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset? ReceivedAt,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset? DecidedAt,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset? DecisionDueAt = null,
    string? ReceivedWeek = null,
    string? ReceivedMonth = null,
    Guid? CaseId = null)
{
    /// <summary>The pathway the referral counts under: the accepted one, else the one requested. Stored for grouping.</summary>
    public string? PathwayId => AcceptedPathwayId ?? RequestedPathwayId;

    public static string DocumentId(Guid referralId) => referralId.ToString();

    /// <summary>Before any event is applied (never stored as is: an event is always applied first).</summary>
    public static ReferralReport Empty(Guid referralId) => new(referralId, "", null, null, null, null, null, null);

    public ReferralReport Apply(ReferralReceived e, TimeZoneInfo zone) => this with
    {
        Status = ReferralStatus.Advance(Status, ReferralStatus.Received),
        Source = e.Source,
        PartnerClientId = e.PartnerClientId,
        RequestedPathwayId = e.RequestedPathwayId,
        ReceivedAt = e.OccurredAt.ToUniversalTime(),
        DecisionDueAt = e.DecisionDueAt?.ToUniversalTime(),
        ReceivedWeek = Periods.Week(e.OccurredAt, zone),
        ReceivedMonth = Periods.Month(e.OccurredAt, zone),
    };

    /// <summary>The case opened from this referral (CaseOpened names its referral; the referral's events never name the case).</summary>
    public ReferralReport Apply(CaseOpened e) => CaseId == e.CaseId ? this : this with { CaseId = e.CaseId };

    public ReferralReport Apply(ReferralAccepted e)
    {
        var status = ReferralStatus.Advance(Status, ReferralStatus.Accepted);
        return status != ReferralStatus.Accepted
            ? this with { Status = status }
            : this with { Status = status, AcceptedPathwayId = e.PathwayId, DecidedAt = e.OccurredAt.ToUniversalTime() };
    }

    public ReferralReport Apply(ReferralDeclined e)
    {
        var status = ReferralStatus.Advance(Status, ReferralStatus.Declined);
        return status != ReferralStatus.Declined
            ? this with { Status = status }
            : this with { Status = status, DecidedAt = e.OccurredAt.ToUniversalTime() };
    }

    public ReferralReport Apply(ReferralScreeningStarted e) => this with { Status = ReferralStatus.Advance(Status, ReferralStatus.Screening) };

    public ReferralReport Apply(ReferralWithdrawn e)
    {
        var status = ReferralStatus.Advance(Status, ReferralStatus.Withdrawn);
        return status != ReferralStatus.Withdrawn
            ? this with { Status = status }
            : this with { Status = status, DecidedAt = e.OccurredAt.ToUniversalTime() };
    }
}
