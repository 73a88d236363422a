using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Casework.Persistence;

/// <summary>
/// Instants the store compares as text in range filters (due, next-attempt and retention times): always UTC,
/// always 7 fractional digits ("2025-01-13T00:00:00.0000000Z"), so text order is time order under any collation.
/// </summary>
public static class SortableUtc
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>Stores a <see cref="DateTimeOffset"/> in the sortable form (and reads any ISO 8601 form back).</summary>
    public sealed class JsonConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset().ToUniversalTime();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Format(value));
    }
}
