using Casework.ServiceDefaults;

namespace Casework.Notes.Domain;

/// <summary>What a new note says, as the caller sent it (before it is checked).</summary>
public sealed record NoteDraft(
    string? Type,
    DateTimeOffset? OccurredAt,
    int? DurationMinutes,
    IReadOnlyList<string?>? Present,
    string? Body,
    bool? Restricted,
    string? RestrictionReason,
    IReadOnlyList<string?>? GoalIds);

/// <summary>What is known of the case a note is written on: its goals, when it opened (if known here) and whether it is closed.</summary>
public sealed record CaseFacts(IReadOnlyCollection<string> GoalIds, DateTimeOffset? OpenedAt, bool Closed);

/// <summary>
/// The rules of a new note. The body is plain text with a small formatting subset that clients may render:
/// <c># heading</c> (a line starting with "# "), <c>- item</c> (a bullet line) and <c>**bold**</c>. It is stored exactly as
/// given and never as HTML; control characters other than line breaks and tabs are refused.
/// </summary>
public static class NoteRules
{
    public const int MaxBodyLength = 20_000;
    public const int MaxPresent = 20;
    public const int MaxPresentLength = 100;
    public const int MaxDurationMinutes = 1440;
    public const int MaxGoalLinks = 20;
    public const int MaxReasonLength = 1000;

    /// <summary>How far in the future occurredAt may be: the caller's clock may run a little ahead of ours.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Every broken rule of <paramref name="draft"/>, added to <paramref name="errors"/> (a new set when none is given).</summary>
    public static ValidationErrors Check(NoteDraft draft, CaseFacts facts, DateTimeOffset now, ValidationErrors? errors = null)
    {
        errors ??= new ValidationErrors();
        errors.OneOf("type", draft.Type, NoteTypes.Accepted);
        if (draft.OccurredAt is { } occurred)
        {
            if (occurred > now + ClockSkew)
            {
                errors.Add("occurredAt", "The field must not be in the future.");
            }
            else if (facts.OpenedAt is { } opened && occurred < opened - ClockSkew)
            {
                errors.Add("occurredAt", $"The field must not be before the case opened ({opened:O}).");
            }
        }
        errors.Check(draft.DurationMinutes is null or (>= 0 and <= MaxDurationMinutes), "durationMinutes", $"The field must be between 0 and {MaxDurationMinutes}.");
        errors.Items("present", draft.Present, MaxPresent, MaxPresentLength);
        errors.Required("body", draft.Body, MaxBodyLength, multiline: true);
        if (draft.RestrictionReason is not null && !RestrictionReasons.All.Contains(draft.RestrictionReason, StringComparer.Ordinal))
        {
            errors.Add("restrictionReason", $"The field must be one of: {string.Join(", ", RestrictionReasons.All)}.");
        }
        else if (draft.Restricted == true && draft.RestrictionReason is null && draft.Type != NoteTypes.SafeguardingConcern)
        {
            errors.Add("restrictionReason", "A restricted note needs a reason: safeguarding or health.");
        }
        else if (draft.Restricted != true && draft.RestrictionReason is not null && draft.Type != NoteTypes.SafeguardingConcern)
        {
            // A reason alone would otherwise be dropped silently, leaving readable what the writer meant to restrict.
            errors.Add("restrictionReason", "Only a restricted note has a restriction reason (send restricted: true).");
        }
        CheckGoals(draft.GoalIds, facts.GoalIds, errors);
        return errors;
    }

    /// <summary>A safeguarding concern is always restricted, whatever the caller asked.</summary>
    public static bool IsRestricted(string type, bool? restricted) => restricted == true || type == NoteTypes.SafeguardingConcern;

    /// <summary>Why a restricted note is restricted (a safeguarding concern without a reason: safeguarding).</summary>
    public static string? ReasonFor(string type, bool? restricted, string? reason) =>
        IsRestricted(type, restricted) ? reason ?? RestrictionReasons.Safeguarding : null;

    /// <summary>
    /// Closed cases take no new notes, except safeguarding ones (a SafeguardingConcern, or a note restricted for safeguarding):
    /// a concern raised after closure must be recorded.
    /// </summary>
    public static bool AcceptsNewNote(CaseFacts facts, NoteDraft draft) =>
        !facts.Closed || draft.Type == NoteTypes.SafeguardingConcern
        || (draft.Restricted == true && draft.RestrictionReason == RestrictionReasons.Safeguarding);

    /// <summary>
    /// An amendment: a body and a reason, and optionally restricted: true with a restriction reason (a correction may restrict a
    /// note, never lift a restriction: false on a restricted note is refused where the note is known).
    /// </summary>
    public static ValidationErrors CheckAmendment(string? body, string? reason, bool? restricted = null, string? restrictionReason = null)
    {
        var errors = new ValidationErrors();
        errors.Required("body", body, MaxBodyLength, multiline: true);
        errors.Required("reason", reason, MaxReasonLength, multiline: true);
        if (restricted == true)
        {
            errors.OneOf("restrictionReason", restrictionReason, RestrictionReasons.All);
        }
        else
        {
            errors.Check(restrictionReason is null, "restrictionReason", "Only a correction that restricts the note (restricted: true) has a restriction reason.");
        }
        return errors;
    }

    /// <summary>Whether an amendment asking <paramref name="restricted"/> may apply to <paramref name="note"/> (it may not lift a restriction).</summary>
    public static bool KeepsRestriction(CaseNote note, bool? restricted) => !(note.Restricted && restricted == false);

    private static void CheckGoals(IReadOnlyList<string?>? goalIds, IReadOnlyCollection<string> caseGoals, ValidationErrors errors)
    {
        if (goalIds is null || !errors.Check(goalIds.Count <= MaxGoalLinks, "goalIds", $"At most {MaxGoalLinks} goals can be linked."))
        {
            return;
        }
        for (var i = 0; i < goalIds.Count; i++)
        {
            if (goalIds[i] is not { } goal || !caseGoals.Contains(goal, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"goalIds[{i}]", "The field must be one of the case's support-plan goals.");
            }
        }
    }
}
