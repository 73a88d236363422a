namespace Casework.Contracts.Events;

/// <summary>
/// A person (client record) was created in Intake. The trailing fields are the person's facts for counting, in coarse
/// form only (see <see cref="PersonUpdated"/>); null when unknown or from a version that did not send them.
/// </summary>
public sealed record PersonRegistered(
    Guid PersonId,
    string DisplayName,
    DateTimeOffset OccurredAt,
    int? BirthYear = null,
    string? PostcodeDistrict = null,
    string? Gender = null,
    string? Ethnicity = null,
    string? Disability = null);

/// <summary>
/// A person's details changed in Intake, or records were merged into this one (then with the survivor's details as they
/// stand); it carries all of the coarse facts as they are now (not only what changed).
/// <paramref name="BirthYear"/> is the year of the date of birth, <paramref name="PostcodeDistrict"/> the outward code of a
/// UK postcode ("M1" of "M1 1AE"; null for a postcode in another form), and gender, ethnicity and disability the person's
/// own answers (<see cref="EqualityMonitoring"/>). Never a full date of birth, a full postcode or contact details.
/// </summary>
public sealed record PersonUpdated(
    Guid PersonId,
    string DisplayName,
    DateTimeOffset OccurredAt,
    int? BirthYear = null,
    string? PostcodeDistrict = null,
    string? Gender = null,
    string? Ethnicity = null,
    string? Disability = null);

/// <summary>
/// Staff merged duplicate records of one person into a survivor. <paramref name="MergedPersonIds"/> holds the
/// record merged now and every record merged into it before: each is now the survivor, so whatever refers to
/// one of them (a case) should refer to <paramref name="SurvivorId"/>. Intake sends it again, with the same
/// meaning, if a case still refers to a merged record afterwards.
/// </summary>
public sealed record PeopleMerged(
    Guid SurvivorId,
    string SurvivorDisplayName,
    IReadOnlyList<Guid> MergedPersonIds,
    string MergedBy,
    DateTimeOffset OccurredAt);

/// <summary>Staff confirmed a person is none of the records offered as possible duplicates ("new person").</summary>
public sealed record PersonMatchesDismissed(Guid PersonId, IReadOnlyList<Guid> DistinctFromPersonIds, string DecidedBy, DateTimeOffset OccurredAt);

/// <summary>
/// A referral arrived from a partner portal, a member of staff or the person themself. <paramref name="DecisionDueAt"/> is when
/// the decision is due by the decision SLA (null on events sent before, or without an SLA), so readers can tell overdue ones.
/// </summary>
public sealed record ReferralReceived(
    Guid ReferralId,
    Guid PersonId,
    string Source,
    string? PartnerClientId,
    string? RequestedPathwayId,
    DateTimeOffset OccurredAt,
    DateTimeOffset? DecisionDueAt = null);

/// <summary>Staff accepted a referral onto a pathway; Case opens a case from it.</summary>
public sealed record ReferralAccepted(
    Guid ReferralId,
    Guid PersonId,
    string PersonDisplayName,
    string PathwayId,
    string ConcernLevel,
    string AcceptedBy,
    DateTimeOffset OccurredAt);

/// <summary>Staff declined a referral.</summary>
public sealed record ReferralDeclined(Guid ReferralId, string Reason, string DeclinedBy, DateTimeOffset OccurredAt);

/// <summary>Staff started screening a referral (checking eligibility before a decision).</summary>
public sealed record ReferralScreeningStarted(Guid ReferralId, string StartedBy, DateTimeOffset OccurredAt);

/// <summary>Staff recorded answers to a pathway's screening checklist; Complete when every required question is answered. The answers stay in Intake.</summary>
public sealed record ReferralScreeningRecorded(Guid ReferralId, string PathwayId, int PathwayVersion, bool Complete, string RecordedBy, DateTimeOffset OccurredAt);

/// <summary>The referrer (a partner portal or staff) withdrew an undecided referral.</summary>
public sealed record ReferralWithdrawn(Guid ReferralId, string Reason, string WithdrawnBy, DateTimeOffset OccurredAt);
