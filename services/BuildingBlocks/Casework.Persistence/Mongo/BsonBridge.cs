using System.Buffers;
using System.Text;
using System.Text.Json;
using MongoDB.Bson;

namespace Casework.Persistence.Mongo;

/// <summary>
/// Documents and events are System.Text.Json with <see cref="DocumentJson.Options"/> on every engine; this turns that
/// JSON into BSON and back without losing anything. Strings stay strings (ids, enums, and dates as their ISO-8601 text:
/// filters compare dates as text, and BSON dates would cut ticks to milliseconds); integers become Int32/Int64; every
/// other number becomes Decimal128 parsed from its exact text (a decimal stays exact, which
/// <c>BsonDocument.Parse</c>, turning numbers into doubles, would not keep).
/// </summary>
internal static class BsonBridge
{
    public static BsonDocument ToBson<T>(T value) => ToBsonDocument(JsonSerializer.SerializeToElement(value, DocumentJson.Options));

    /// <summary>A JSON object (a serialized document or event) as BSON.</summary>
    public static BsonDocument ToBsonDocument(string json)
    {
        using var parsed = JsonDocument.Parse(json);
        return ToBsonDocument(parsed.RootElement);
    }

    public static BsonDocument ToBsonDocument(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
            ? (BsonDocument)ToBsonValue(element)
            : throw new ArgumentException($"A stored document is a JSON object, not {element.ValueKind}.", nameof(element));

    public static BsonValue ToBsonValue(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var document = new BsonDocument();
                foreach (var property in element.EnumerateObject())
                {
                    document.Add(property.Name, ToBsonValue(property.Value));
                }
                return document;
            case JsonValueKind.Array:
                var array = new BsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(ToBsonValue(item));
                }
                return array;
            case JsonValueKind.String:
                return new BsonString(element.GetString()!);
            case JsonValueKind.Number:
                return Number(element.GetRawText());
            case JsonValueKind.True:
                return BsonBoolean.True;
            case JsonValueKind.False:
                return BsonBoolean.False;
            case JsonValueKind.Null:
                return BsonNull.Value;
            default:
                throw new ArgumentException($"Unexpected JSON value kind {element.ValueKind}.", nameof(element));
        }
    }

    /// <summary>A JSON number: an integer as Int32 or Int64, anything else (or a larger integer) as Decimal128 of its exact text.</summary>
    public static BsonValue Number(string text)
    {
        if (text.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var small))
            {
                return new BsonInt32(small);
            }
            if (long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var large))
            {
                return new BsonInt64(large);
            }
        }
        return new BsonDecimal128(Decimal128.Parse(text));
    }

    public static T FromBson<T>(BsonDocument document) => JsonSerializer.Deserialize<T>(ToJsonBytes(document), DocumentJson.Options)!;

    public static string ToJson(BsonValue value) => Encoding.UTF8.GetString(ToJsonBytes(value));

    private static ReadOnlySpan<byte> ToJsonBytes(BsonValue value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }
        return buffer.WrittenSpan;
    }

    private static void Write(Utf8JsonWriter writer, BsonValue value)
    {
        switch (value.BsonType)
        {
            case BsonType.Document:
                writer.WriteStartObject();
                foreach (var element in value.AsBsonDocument)
                {
                    writer.WritePropertyName(element.Name);
                    Write(writer, element.Value);
                }
                writer.WriteEndObject();
                break;
            case BsonType.Array:
                writer.WriteStartArray();
                foreach (var item in value.AsBsonArray)
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            case BsonType.String:
                writer.WriteStringValue(value.AsString);
                break;
            case BsonType.Int32:
                writer.WriteNumberValue(value.AsInt32);
                break;
            case BsonType.Int64:
                writer.WriteNumberValue(value.AsInt64);
                break;
            case BsonType.Decimal128:
                // Its exact text ("12.50", "1E-7"): a JSON number the serializer reads back to the same value.
                writer.WriteRawValue(value.AsDecimal128.ToString(), skipInputValidation: false);
                break;
            case BsonType.Double:
                writer.WriteNumberValue(value.AsDouble); // not written by this engine; read as the number it is
                break;
            case BsonType.Boolean:
                writer.WriteBooleanValue(value.AsBoolean);
                break;
            case BsonType.Null:
            case BsonType.Undefined:
                writer.WriteNullValue();
                break;
            case BsonType.DateTime:
                writer.WriteStringValue(SortableUtc.Format(value.ToUniversalTime()));
                break;
            case BsonType.Binary when value.AsBsonBinaryData.SubType == BsonBinarySubType.UuidStandard:
                writer.WriteStringValue(value.AsBsonBinaryData.ToGuid(GuidRepresentation.Standard));
                break;
            case BsonType.ObjectId:
                writer.WriteStringValue(value.AsObjectId.ToString());
                break;
            default:
                throw new NotSupportedException($"BSON {value.BsonType} has no JSON form in a stored document.");
        }
    }
}
