using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace Casework.Persistence.Mongo.Tests;

public enum SampleKind
{
    Plain,
    Fancy,
}

public sealed record Inner(string Label, decimal Amount);

public sealed record Sample(
    decimal Amount, decimal Whole, bool Flag, SampleKind Kind, Guid Id, DateTimeOffset At, DateOnly Day, int Count, long Big,
    double Ratio, int? Missing, IReadOnlyList<string> Tags, Dictionary<string, decimal> ByKey, Inner Inner);

public sealed class BsonBridgeTests
{
    /// <summary>
    /// Every stored type of every service, and every event payload: JSON, to BSON, back to JSON and to the object again
    /// gives the same JSON, and the BSON holds each JSON value as the intended BSON type.
    /// </summary>
    [Theory]
    [MemberData(nameof(StoredTypes.Documents), MemberType = typeof(StoredTypes))]
    public void Every_stored_type_round_trips_through_BSON_unchanged(string stored, Type type)
    {
        var sample = new SampleValues().Create(type)!;
        using var json = JsonSerializer.SerializeToDocument(sample, type, DocumentJson.Options);
        Assert.DoesNotContain("null", PropertiesWithNull(json.RootElement, stored)); // every property has a value

        var bson = BsonBridge.ToBsonDocument(json.RootElement);
        AssertSameValues(json.RootElement, bson, stored);

        var back = JsonSerializer.Deserialize(BsonBridge.ToJson(bson), type, DocumentJson.Options);
        Assert.Equal(json.RootElement.GetRawText(), JsonSerializer.Serialize(back, type, DocumentJson.Options));

        // And through the BSON bytes the server stores and returns.
        var fromWire = BsonSerializer.Deserialize<BsonDocument>(bson.ToBson());
        Assert.Equal(json.RootElement.GetRawText(), JsonSerializer.Serialize(JsonSerializer.Deserialize(BsonBridge.ToJson(fromWire), type, DocumentJson.Options), type, DocumentJson.Options));
    }

    [Fact]
    public void Values_keep_their_kind_decimals_stay_exact_and_dates_stay_text()
    {
        var sample = new Sample(12_345_678_901_234.567_890_123_4m, 5m, true, SampleKind.Fancy, Guid.Parse("6f1c2a1e-0a01-4c1e-9a01-000000000007"),
            new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.FromHours(1)).AddTicks(1_234_567), new DateOnly(2025, 3, 14), 42, 9_000_000_000L,
            0.1, null, ["a", "b"], new() { ["x"] = 1.50m }, new Inner("in", 0.0000001m));

        var bson = BsonBridge.ToBson(sample);

        Assert.Equal(new BsonDecimal128(Decimal128.Parse("12345678901234.5678901234")), bson["amount"]);
        Assert.Equal(new BsonInt32(5), bson["whole"]); // an integral decimal is written as "5": numbers compare by value in MongoDB
        Assert.Equal(BsonBoolean.True, bson["flag"]);
        Assert.Equal(new BsonString("Fancy"), bson["kind"]);
        Assert.Equal(new BsonString("6f1c2a1e-0a01-4c1e-9a01-000000000007"), bson["id"]);
        Assert.Equal(new BsonString("2025-03-14T09:26:53.1234567+01:00"), bson["at"]); // ticks kept: text, not a BSON date
        Assert.Equal(new BsonString("2025-03-14"), bson["day"]);
        Assert.Equal(new BsonInt32(42), bson["count"]);
        Assert.Equal(new BsonInt64(9_000_000_000L), bson["big"]);
        Assert.Equal(BsonType.Decimal128, bson["ratio"].BsonType);
        Assert.Equal(BsonNull.Value, bson["missing"]);
        Assert.Equal(new BsonArray { "a", "b" }, bson["tags"]);
        Assert.Equal(new BsonDecimal128(Decimal128.Parse("1.50")), bson["byKey"]["x"]);
        Assert.Equal("1.50", bson["byKey"]["x"].AsDecimal128.ToString()); // trailing zeros kept
        Assert.Equal(BsonType.Decimal128, bson["inner"]["amount"].BsonType);

        var back = BsonBridge.FromBson<Sample>(bson);
        Assert.Equal(JsonSerializer.Serialize(sample, DocumentJson.Options), JsonSerializer.Serialize(back, DocumentJson.Options));
        Assert.Equal(sample.Amount, back.Amount);
        Assert.Equal(sample.At, back.At);
        Assert.Equal(sample.At.Offset, back.At.Offset);
    }

    [Fact]
    public void Sortable_utc_instants_are_stored_in_their_utc_text()
    {
        var at = new DateTimeOffset(2025, 1, 13, 1, 2, 3, TimeSpan.FromHours(2)).AddTicks(42);
        var bson = BsonBridge.ToBsonDocument(JsonSerializer.Serialize(new { due = SortableUtc.Format(at) }));
        Assert.Equal("2025-01-12T23:02:03.0000042Z", bson["due"].AsString);
    }

    [Theory]
    [InlineData("0", BsonType.Int32)]
    [InlineData("-2147483648", BsonType.Int32)]
    [InlineData("2147483648", BsonType.Int64)]
    [InlineData("-9223372036854775808", BsonType.Int64)]
    [InlineData("18446744073709551615", BsonType.Decimal128)]
    [InlineData("1.5", BsonType.Decimal128)]
    [InlineData("1E+20", BsonType.Decimal128)]
    [InlineData("-0.000", BsonType.Decimal128)]
    public void Numbers_become_the_narrowest_exact_BSON_number(string text, BsonType expected)
    {
        var value = BsonBridge.Number(text);
        Assert.Equal(expected, value.BsonType);
        Assert.Equal(text, BsonBridge.ToJson(value));
    }

    [Fact]
    public void A_document_that_is_not_an_object_is_refused()
    {
        using var array = JsonDocument.Parse("[1]");
        Assert.Throws<ArgumentException>(() => BsonBridge.ToBsonDocument(array.RootElement));
    }

    /// <summary>The paths of properties whose value is null (a sample should have none).</summary>
    private static string PropertiesWithNull(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Null => $"{path}=null ",
        JsonValueKind.Object => string.Concat(element.EnumerateObject().Select(p => PropertiesWithNull(p.Value, $"{path}.{p.Name}"))),
        JsonValueKind.Array => string.Concat(element.EnumerateArray().Select((e, i) => PropertiesWithNull(e, $"{path}[{i}]"))),
        _ => "",
    };

    /// <summary>Walks JSON and BSON together: strings as BSON strings, booleans as booleans, numbers as exact BSON numbers.</summary>
    private static void AssertSameValues(JsonElement json, BsonValue bson, string path)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Object:
                var document = Assert.IsType<BsonDocument>(bson);
                Assert.Equal(json.EnumerateObject().Select(p => p.Name), document.Names);
                foreach (var property in json.EnumerateObject())
                {
                    AssertSameValues(property.Value, document[property.Name], $"{path}.{property.Name}");
                }
                break;
            case JsonValueKind.Array:
                var array = Assert.IsType<BsonArray>(bson);
                Assert.Equal(json.GetArrayLength(), array.Count);
                for (var i = 0; i < array.Count; i++)
                {
                    AssertSameValues(json[i], array[i], $"{path}[{i}]");
                }
                break;
            case JsonValueKind.String:
                Assert.True(bson.IsString, $"{path}: {bson.BsonType} instead of a string");
                Assert.Equal(json.GetString(), bson.AsString);
                break;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.True(bson.IsBoolean, $"{path}: {bson.BsonType} instead of a boolean");
                Assert.Equal(json.GetBoolean(), bson.AsBoolean);
                break;
            case JsonValueKind.Number:
                var text = json.GetRawText();
                if (text.Contains('.') || text.Contains('e') || text.Contains('E'))
                {
                    Assert.True(bson.IsDecimal128, $"{path}: {bson.BsonType} instead of Decimal128");
                    Assert.Equal(decimal.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture), (decimal)bson.AsDecimal128);
                }
                else
                {
                    Assert.True(bson.IsInt32 || bson.IsInt64, $"{path}: {bson.BsonType} instead of an integer");
                    Assert.Equal(json.GetInt64(), bson.ToInt64());
                }
                break;
            default:
                Assert.Fail($"{path}: unexpected {json.ValueKind}");
                break;
        }
    }
}
