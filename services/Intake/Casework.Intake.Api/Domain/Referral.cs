using System.Text.Json.Serialization;
using Casework.Contracts;
using Casework.Domain;
using Casework.Persistence;

namespace Casework.Intake.Domain;

public static class ReferralStatus
{
    public const string Received = "Received";
    public const string Screening = "Screening";
    public const string Accepted = "Accepted";
    public const string Declined = "Declined";
    public const string Withdrawn = "Withdrawn";

    public static readonly IReadOnlyList<string> All = [Received, Screening, Accepted, Declined, Withdrawn];

    public static bool IsOpen(string status) => status is Received or Screening;
}

/// <summary>What the person agreed to, and when it was recorded.</summary>
public sealed record Consent(bool Given, string? Scope, DateTimeOffset RecordedAt)
{
    /// <summary>Who gave it: the person (<see cref="ConsentGivers.Person"/>) or someone entitled to act for them.</summary>
    public string GivenBy { get; init; } = ConsentGivers.Person;

    /// <summary>The representative's name and relationship, when a representative gave it.</summary>
    public string? RepresentativeName { get; init; }
    public string? RepresentativeRelationship { get; init; }

    /// <summary>When it was given, if the referrer says so (it may predate the referral); else it was given as recorded.</summary>
    public DateTimeOffset? GivenAt { get; init; }

    /// <summary>Who recorded it: the submitting portal's client id or the member of staff.</summary>
    public string? RecordedBy { get; init; }
}

/// <summary>One change of a referral's status, with who made it and why.</summary>
public sealed record ReferralTransition(string From, string To, string By, string? Reason, DateTimeOffset At);

/// <summary>A request for support for a person: Received → Screening → Accepted / Declined / Withdrawn.</summary>
public sealed record Referral(
    Guid Id,
    Guid PersonId,
    string PersonDisplayName,
    string Source,
    string? PartnerClientId,
    string? ReferringOrganisation,
    string? ExternalReference,
    string Reason,
    string? RequestedPathwayId,
    string ConcernLevel,
    Consent Consent,
    string Status,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<ReferralTransition> History)
{
    /// <summary>
    /// The person's name as the referral gave it. Partners see this one: staff corrections and merges change the
    /// record's name (a new name someone took to be safe must not reach the portal that used the old one).
    /// </summary>
    public string? SubmittedPersonName { get; init; }

    public string? PathwayId { get; init; }
    public Guid? CaseId { get; init; }
    public string? DeclineReason { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>The latest answers to a pathway's screening checklist; an acceptance onto that pathway needs them complete.</summary>
    public Screening? Screening { get; init; }

    /// <summary>Who at the referring organisation to contact about the referral (none for most self-referrals).</summary>
    public ReferringContact? ReferringContact { get; init; }

    /// <summary>
    /// When an undecided referral becomes overdue (UTC, whole seconds: the end of the SLA's last working day).
    /// Referrals received before the SLA existed have none and are never overdue.
    /// </summary>
    [JsonConverter(typeof(SortableUtc.JsonConverter))]
    public DateTimeOffset? DecisionDueAt { get; init; }

    public bool IsOverdue(DateTimeOffset now) => ReferralStatus.IsOpen(Status) && DecisionDueAt is { } due && now >= due;

    public static Referral Receive(
        Person person, string source, string? partnerClientId, string? referringOrganisation, string? externalReference,
        string reason, string? requestedPathwayId, string concernLevel, Consent consent, string receivedBy, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), person.Id, person.DisplayName, source, partnerClientId, referringOrganisation, externalReference,
            reason, requestedPathwayId, concernLevel, consent, ReferralStatus.Received, now,
            [new ReferralTransition("", ReferralStatus.Received, receivedBy, null, now)])
        {
            SubmittedPersonName = person.DisplayName,
        };

    /// <summary>Accepts onto a pathway; only an open referral can be decided.</summary>
    /// <param name="checklist">The pathway's screening checklist: its required questions must be answered for this pathway first.</param>
    public Referral Accept(string pathwayId, string? concernLevel, IReadOnlyList<ScreeningQuestion> checklist, string by, DateTimeOffset now)
    {
        EnsureOpen();
        var answers = Screening is { } screening && screening.PathwayId == pathwayId ? screening.Answers : new Dictionary<string, string>();
        var unanswered = ScreeningChecklist.Unanswered(checklist, answers);
        if (unanswered.Count > 0)
        {
            throw new DomainInputException($"screening.answers.{unanswered[0]}",
                $"The pathway's screening checklist needs an answer to: {string.Join(", ", unanswered)}.");
        }
        return Move(ReferralStatus.Accepted, by, null, now) with
        {
            PathwayId = pathwayId,
            ConcernLevel = concernLevel ?? ConcernLevel,
            DecidedAt = now,
        };
    }

    public Referral Decline(string reason, string by, DateTimeOffset now)
    {
        EnsureOpen();
        return Move(ReferralStatus.Declined, by, reason, now) with { DeclineReason = reason, DecidedAt = now };
    }

    /// <summary>Staff start screening a received referral (eligibility checks before the decision).</summary>
    public Referral StartScreening(string by, DateTimeOffset now) =>
        Status == ReferralStatus.Received
            ? Move(ReferralStatus.Screening, by, null, now)
            : throw new DomainRuleException($"The referral is {Status}; only a Received referral can go to screening.");

    /// <summary>Records screening answers while the referral is undecided; the same answers again change nothing.</summary>
    public Referral RecordScreening(Screening screening)
    {
        if (!ReferralStatus.IsOpen(Status))
        {
            throw new DomainRuleException($"The referral is {Status}; screening answers are recorded before the decision.");
        }
        return Screening is { } current && current.PathwayId == screening.PathwayId && current.PathwayVersion == screening.PathwayVersion &&
            current.Answers.Count == screening.Answers.Count && screening.Answers.All(a => current.Answers.TryGetValue(a.Key, out var v) && v == a.Value)
            ? this
            : this with { Screening = screening };
    }

    /// <summary>The referrer withdraws a referral that is not decided yet.</summary>
    public Referral Withdraw(string reason, string by, DateTimeOffset now)
    {
        if (!ReferralStatus.IsOpen(Status))
        {
            throw new DomainRuleException($"The referral is {Status}; only a Received or Screening referral can be withdrawn.");
        }
        return Move(ReferralStatus.Withdrawn, by, reason, now) with { DecidedAt = now };
    }

    /// <summary>Records the case the accepted referral opened; idempotent.</summary>
    public Referral LinkCase(Guid caseId) => this with { CaseId = caseId };

    private void EnsureOpen()
    {
        if (!ReferralStatus.IsOpen(Status))
        {
            throw new DomainRuleException($"The referral is {Status}; only a Received or Screening referral can be decided.");
        }
    }

    private Referral Move(string to, string by, string? reason, DateTimeOffset now) =>
        this with { Status = to, History = [.. History, new ReferralTransition(Status, to, by, reason, now)] };

    public static bool IsConcernLevel(string? value) => value is not null && ConcernLevels.All.Contains(value);
}
