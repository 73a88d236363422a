using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using MongoDB.Bson;

namespace Casework.Persistence.Mongo;

/// <summary>
/// How the building block's filters, orders and indexes read in MongoDB: pure functions from the engine-neutral
/// definitions to BSON, so every translation is tested without a server. A stored document is
/// <c>{ _id, version, data: { ...document... }, createdAt, updatedAt }</c>; fields are the document's JSON names.
/// </summary>
internal static class MongoRender
{
    /// <summary>
    /// Where a document field lives: the id field is the document's <c>_id</c> (in indexes, filters, orders and groups
    /// alike, as PostgreSQL's id column), anything else under <c>data</c> (the document's content).
    /// </summary>
    public static string FieldPath(string field) =>
        field == DocumentCollections.DocumentId ? "_id" : "data." + DocumentCollections.EnsureSafeField(field);

    public static BsonDocument IndexKeys(string[] fields)
    {
        var keys = new BsonDocument();
        foreach (var field in fields)
        {
            keys.Add(FieldPath(field), 1);
        }
        return keys;
    }

    /// <summary>The same index name the PostgreSQL engine gives it, so both stores read alike.</summary>
    public static string IndexName(CollectionDefinition collection, string[] fields) =>
        $"ix_{collection.Name}_{string.Join("_", fields)}".ToLowerInvariant();

    /// <summary>
    /// The reads of an ordered page, in the order PostgreSQL gives (its default: documents without the field last when
    /// ascending, first when descending; MongoDB would sort them lowest). Each read is served by an index on (field, id):
    /// the documents that have the field sorted by it, and those without it (missing or null) sorted by id. Ties go by id
    /// in the query's direction. Without an order, or ordered by id, one read sorted by id.
    /// </summary>
    public static (OrderedRead First, OrderedRead? Then) Order(BsonDocument filter, string? orderBy, bool descending)
    {
        var direction = descending ? -1 : 1;
        if (orderBy is null || orderBy == DocumentCollections.DocumentId)
        {
            return (new OrderedRead(filter, new BsonDocument("_id", orderBy is null ? 1 : direction)), null);
        }
        var path = FieldPath(orderBy);
        var present = new OrderedRead(And(filter, new BsonDocument(path, new BsonDocument("$ne", BsonNull.Value))),
            new BsonDocument { { path, direction }, { "_id", direction } });
        var missing = new OrderedRead(And(filter, new BsonDocument(path, BsonNull.Value)), new BsonDocument("_id", direction));
        return descending ? (missing, present) : (present, missing);
    }

    private static BsonDocument And(BsonDocument filter, BsonDocument condition) =>
        filter.ElementCount == 0 ? condition : new BsonDocument("$and", new BsonArray { filter, condition });

    /// <summary>The conditions of <paramref name="filter"/> on documents of <paramref name="documentType"/>, all of which must hold.</summary>
    public static BsonDocument Filter(DocumentFilter filter, Type documentType)
    {
        var conditions = filter.Conditions.Select(c => Condition(c, documentType)).ToList();
        // Several conditions may name one field (a date range): each stays its own clause under $and.
        return conditions.Count switch
        {
            0 => [],
            1 => conditions[0],
            _ => new BsonDocument("$and", new BsonArray(conditions)),
        };
    }

    private static BsonDocument Condition(FieldCondition condition, Type documentType)
    {
        var path = FieldPath(condition.Field);
        BsonValue Value(string text) => FilterValue(documentType, condition.Field, text, condition.Kind == ConditionKind.Includes);
        return condition.Kind switch
        {
            ConditionKind.Equal => new BsonDocument(path, Value(condition.Values[0])),
            ConditionKind.In => new BsonDocument(path, new BsonDocument("$in", new BsonArray(condition.Values.Select(Value)))),
            // Comparison operators only match values of the same type, so a missing or null field never matches (as on PostgreSQL).
            ConditionKind.LessThan => new BsonDocument(path, new BsonDocument("$lt", Value(condition.Values[0]))),
            ConditionKind.AtMost => new BsonDocument(path, new BsonDocument("$lte", Value(condition.Values[0]))),
            ConditionKind.AtLeast => new BsonDocument(path, new BsonDocument("$gte", Value(condition.Values[0]))),
            // Equality with null matches a missing field and a null one.
            ConditionKind.Missing => new BsonDocument(path, BsonNull.Value),
            ConditionKind.Contains => new BsonDocument(path, new BsonRegularExpression(EscapeRegex(condition.Values[0]), "i")),
            // Equality with an array field matches when any element equals the value.
            ConditionKind.Includes => new BsonDocument(path, Value(condition.Values[0])),
            _ => throw new NotSupportedException($"Condition {condition.Kind}"),
        };
    }

    /// <summary>Makes every character of <paramref name="text"/> match itself in a regular expression (literal, like ILIKE with escaping).</summary>
    public static string EscapeRegex(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c == '\0')
            {
                // A BSON pattern cannot hold NUL itself (a search text with one would fail to send): written as its escape.
                escaped.Append(@"\x00");
                continue;
            }
            if (@"\^$.|?*+()[]{}-/#".Contains(c))
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    /// <summary>
    /// A filter value (always text in the building block) as the BSON type the document stores in that field, found from
    /// the field's CLR type on <paramref name="documentType"/>: booleans and numbers as themselves (a stored <c>true</c> is
    /// not the string "true"), everything else (ids, enums, dates, unknown fields, text that does not parse) as the string.
    /// For <paramref name="element"/> (Includes), the type of the list's elements.
    /// </summary>
    public static BsonValue FilterValue(Type documentType, string field, string text, bool element = false)
    {
        var type = FieldType(documentType, field, element);
        if (type == typeof(bool) && bool.TryParse(text, out var flag))
        {
            return BsonBoolean.Create(flag);
        }
        if ((type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort))
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small))
        {
            return new BsonInt32(small);
        }
        if ((type == typeof(long) || type == typeof(uint)) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var large))
        {
            return new BsonInt64(large);
        }
        if ((type == typeof(decimal) || type == typeof(double) || type == typeof(float) || type == typeof(ulong))
            && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return new BsonDecimal128(Decimal128.Parse(text.Trim()));
        }
        return new BsonString(text);
    }

    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, Type>> FieldTypes = new();

    /// <summary>The CLR type of a document's JSON property (Nullable unwrapped), or string when the type has no such property.</summary>
    public static Type FieldType(Type documentType, string field, bool element = false)
    {
        var fields = FieldTypes.GetOrAdd(documentType, static type =>
        {
            var info = DocumentJson.Options.GetTypeInfo(type);
            return info.Kind == JsonTypeInfoKind.Object
                ? info.Properties
                    .Where(p => p.CustomConverter is null)
                    .GroupBy(p => p.Name)
                    .ToDictionary(g => g.Key, g => g.First().PropertyType)
                : new Dictionary<string, Type>();
        });
        if (!fields.TryGetValue(field, out var found))
        {
            return typeof(string);
        }
        if (element && found != typeof(string))
        {
            found = found.IsArray
                ? found.GetElementType()!
                : found.GetInterfaces().Append(found)
                    .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
                    ?? typeof(string);
        }
        return Nullable.GetUnderlyingType(found) ?? found;
    }

    /// <summary>CountBy's groups in ordinal order of their value, no value last: the order PostgreSQL's GROUP BY ... ORDER BY gives.</summary>
    public static IReadOnlyList<GroupCount> Groups(IEnumerable<BsonDocument> groups) =>
        groups
            .Select(g => new GroupCount(g["_id"].IsBsonNull ? null : g["_id"].AsString, g["count"].ToInt64()))
            .OrderBy(g => g.Value is null)
            .ThenBy(g => g.Value, StringComparer.Ordinal)
            .ToList();

    /// <summary>CountBy's pipeline: the matching documents grouped by the field's value as text (null for none).</summary>
    public static BsonDocument[] CountBy(string field, DocumentFilter filter, Type documentType) =>
    [
        new BsonDocument("$match", Filter(filter, documentType)),
        new BsonDocument("$group", new BsonDocument
        {
            { "_id", new BsonDocument("$toString", "$" + FieldPath(field)) },
            { "count", new BsonDocument("$sum", 1) },
        }),
    ];
}

/// <summary>One read of an ordered page: its filter and its sort.</summary>
internal sealed record OrderedRead(BsonDocument Filter, BsonDocument Sort);
