namespace Casework.Notes.Domain;

/// <summary>What a note records. New notes take one of <see cref="Accepted"/>; older stored types still read.</summary>
public static class NoteTypes
{
    public const string Appointment = "Appointment";
    public const string PhoneCall = "PhoneCall";
    public const string HomeVisit = "HomeVisit";
    public const string Message = "Message";
    public const string Observation = "Observation";
    public const string Plan = "Plan";
    public const string SafeguardingConcern = "SafeguardingConcern";
    public const string Supervision = "Supervision";

    /// <summary>Legacy: notes written before the types above; they read as they are, new notes cannot use it.</summary>
    public const string Interaction = "Interaction";

    /// <summary>Legacy name of <see cref="SafeguardingConcern"/>; stored notes are upgraded to the new name.</summary>
    public const string LegacySafeguarding = "Safeguarding";

    public static readonly IReadOnlyList<string> Accepted =
        [Appointment, PhoneCall, HomeVisit, Message, Observation, Plan, SafeguardingConcern, Supervision];

    /// <summary>Every type a stored note may have (filters accept these).</summary>
    public static readonly IReadOnlyList<string> Readable = [.. Accepted, Interaction];

    /// <summary>The current name of a stored type.</summary>
    public static string Current(string? type) => type switch
    {
        LegacySafeguarding => SafeguardingConcern,
        null or "" => Interaction,
        _ => type,
    };
}

/// <summary>Why a note is restricted beyond its type.</summary>
public static class RestrictionReasons
{
    public const string Safeguarding = "safeguarding";
    public const string Health = "health";

    public static readonly IReadOnlyList<string> All = [Safeguarding, Health];
}
