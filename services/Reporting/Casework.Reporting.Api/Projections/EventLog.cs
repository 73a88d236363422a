using System.Text.Json;
using System.Text.Json.Serialization;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Reporting.Projections;

/// <summary>
/// One event as Reporting received it: the stored history a rebuild replays. <see cref="Position"/> orders the replay
/// (the event's time, then its message id) and pages it by key; the payload is the event as published (people's events without names).
/// </summary>
public sealed record EventLogEntry(
    Guid MessageId,
    string Type,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset OccurredAt,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset AppliedAt,
    string Position,
    JsonElement Payload)
{
    public static string DocumentId(Guid messageId) => messageId.ToString();

    public static EventLogEntry For(Guid messageId, object message, DateTimeOffset appliedAt)
    {
        message = Domain.PersonReport.WithoutNames(message);
        var occurredAt = OccurredAtOf(message);
        return new EventLogEntry(messageId, EventTypes.NameOf(message.GetType()), occurredAt, appliedAt,
            $"{SortableUtc.Format(occurredAt)}|{messageId:N}", JsonSerializer.SerializeToElement(message, message.GetType(), DocumentJson.Options));
    }

    /// <summary>The event back as its type (null: a type this version no longer knows, skipped by a replay).</summary>
    public object? ToEvent() =>
        EventTypes.Resolve(Type) is { } type ? Payload.Deserialize(type, DocumentJson.Options) : null;

    /// <summary>Every integration event carries OccurredAt (the contracts' convention).</summary>
    public static DateTimeOffset OccurredAtOf(object message) =>
        message.GetType().GetProperty("OccurredAt")?.GetValue(message) is DateTimeOffset at
            ? at.ToUniversalTime()
            : throw new InvalidOperationException($"{message.GetType().Name} has no OccurredAt.");
}

/// <summary>Reporting's own state: whether a rebuild is running and what the last one did.</summary>
public sealed record ReportingState(
    bool Rebuilding,
    DateTimeOffset? RebuildStartedAt,
    DateTimeOffset? RebuildFinishedAt,
    long EventsReplayed)
{
    public const string Id = "reporting";
    public static readonly ReportingState Initial = new(false, null, null, 0);
}
