namespace Casework.Notes.Domain;

/// <summary>A broken rule of a request, by the field name the caller used (e.g. <c>goalIds[1]</c>).</summary>
public sealed record FieldError(string Field, string Message);

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

    public static IReadOnlyList<FieldError> Check(NoteDraft draft, CaseFacts facts, DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        if (draft.Type is null)
        {
            errors.Add(new("type", "The field is required."));
        }
        else if (!NoteTypes.Accepted.Contains(draft.Type, StringComparer.Ordinal))
        {
            errors.Add(new("type", $"The field must be one of: {string.Join(", ", NoteTypes.Accepted)}."));
        }
        if (draft.OccurredAt is { } occurred)
        {
            if (occurred > now + ClockSkew)
            {
                errors.Add(new("occurredAt", "The field must not be in the future."));
            }
            else if (facts.OpenedAt is { } opened && occurred < opened - ClockSkew)
            {
                errors.Add(new("occurredAt", $"The field must not be before the case opened ({opened:O})."));
            }
        }
        if (draft.DurationMinutes is < 0 or > MaxDurationMinutes)
        {
            errors.Add(new("durationMinutes", $"The field must be between 0 and {MaxDurationMinutes}."));
        }
        CheckPresent(draft.Present, errors);
        CheckBody("body", draft.Body, errors);
        if (draft.RestrictionReason is not null && !RestrictionReasons.All.Contains(draft.RestrictionReason, StringComparer.Ordinal))
        {
            errors.Add(new("restrictionReason", $"The field must be one of: {string.Join(", ", RestrictionReasons.All)}."));
        }
        else if (draft.Restricted == true && draft.RestrictionReason is null && draft.Type != NoteTypes.SafeguardingConcern)
        {
            errors.Add(new("restrictionReason", "A restricted note needs a reason: safeguarding or health."));
        }
        else if (draft.Restricted != true && draft.RestrictionReason is not null && draft.Type != NoteTypes.SafeguardingConcern)
        {
            // A reason alone would otherwise be dropped silently, leaving readable what the writer meant to restrict.
            errors.Add(new("restrictionReason", "Only a restricted note has a restriction reason (send restricted: true)."));
        }
        CheckGoals(draft.GoalIds, facts.GoalIds, errors);
        return errors;
    }

    /// <summary>A safeguarding concern is always restricted, whatever the caller asked.</summary>
    public static bool IsRestricted(string type, bool? restricted) => restricted == true || type == NoteTypes.SafeguardingConcern;

    /// <summary>Why a restricted note is restricted (a safeguarding concern without a reason: safeguarding).</summary>
    public static string? ReasonFor(string type, bool? restricted, string? reason) =>
        IsRestricted(type, restricted) ? reason ?? RestrictionReasons.Safeguarding : null;

    /// <summary>Closed cases take no new notes, except safeguarding concerns: a concern raised after closure must be recorded.</summary>
    public static bool AcceptsNewNote(CaseFacts facts, string type) => !facts.Closed || type == NoteTypes.SafeguardingConcern;

    public static void CheckBody(string field, string? body, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            errors.Add(new(field, "The field is required."));
        }
        else if (body.Length > MaxBodyLength)
        {
            errors.Add(new(field, $"The field must be at most {MaxBodyLength} characters."));
        }
        else if (body.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors.Add(new(field, "The field must be plain text (no control characters other than line breaks and tabs)."));
        }
    }

    public static IReadOnlyList<FieldError> CheckAmendment(string? body, string? reason)
    {
        var errors = new List<FieldError>();
        CheckBody("body", body, errors);
        if (string.IsNullOrWhiteSpace(reason))
        {
            errors.Add(new("reason", "The field is required."));
        }
        else if (reason.Length > MaxReasonLength)
        {
            errors.Add(new("reason", $"The field must be at most {MaxReasonLength} characters."));
        }
        return errors;
    }

    private static void CheckPresent(IReadOnlyList<string?>? present, List<FieldError> errors)
    {
        if (present is null)
        {
            return;
        }
        if (present.Count > MaxPresent)
        {
            errors.Add(new("present", $"At most {MaxPresent} people can be listed."));
            return;
        }
        for (var i = 0; i < present.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(present[i]) || present[i]!.Length > MaxPresentLength)
            {
                errors.Add(new($"present[{i}]", $"Each entry must be 1 to {MaxPresentLength} characters."));
            }
        }
    }

    private static void CheckGoals(IReadOnlyList<string?>? goalIds, IReadOnlyCollection<string> caseGoals, List<FieldError> errors)
    {
        if (goalIds is null)
        {
            return;
        }
        if (goalIds.Count > MaxGoalLinks)
        {
            errors.Add(new("goalIds", $"At most {MaxGoalLinks} goals can be linked."));
            return;
        }
        for (var i = 0; i < goalIds.Count; i++)
        {
            if (goalIds[i] is not { } goal || !caseGoals.Contains(goal, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(new($"goalIds[{i}]", "The field must be one of the case's support-plan goals."));
            }
        }
    }
}
