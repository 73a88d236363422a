using System.Text.Json;
using System.Text.RegularExpressions;

namespace Casework.Persistence;

/// <summary>Which document types a service stores, under which collection name, with which indexes.</summary>
public sealed partial class DocumentCollections
{
    private readonly Dictionary<Type, CollectionDefinition> _byType = [];

    public IReadOnlyCollection<CollectionDefinition> All => _byType.Values;

    /// <summary>
    /// Declares a collection. Index fields are JSON names; several fields make one compound index. The name
    /// <see cref="DocumentId"/> is the document's id: lists order ties by it, so an index for ordering by a
    /// field with few values (a level, a date) ends with it, and a page is read in index order.
    /// </summary>
    public DocumentCollections Add<T>(string name, params string[][] indexes) where T : class
    {
        if (!SafeName().IsMatch(name))
        {
            throw new ArgumentException($"Collection name '{name}' must be lower-case letters, digits and underscores.", nameof(name));
        }
        foreach (var field in indexes.SelectMany(i => i))
        {
            EnsureSafeField(field);
        }
        _byType[typeof(T)] = new CollectionDefinition(name, typeof(T), indexes);
        return this;
    }

    /// <summary>The index field that stands for the document's id.</summary>
    public const string DocumentId = "id";

    public CollectionDefinition For<T>() => For(typeof(T));

    public CollectionDefinition For(Type type) =>
        _byType.TryGetValue(type, out var definition)
            ? definition
            : throw new InvalidOperationException($"{type.Name} is not a declared document collection; add it in AddDocumentStore.");

    /// <summary>Field names reach query text, so only plain JSON property names are allowed.</summary>
    public static string EnsureSafeField(string field) =>
        SafeField().IsMatch(field) ? field : throw new ArgumentException($"'{field}' is not a valid document field name.", nameof(field));

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex SafeName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,62}$")]
    private static partial Regex SafeField();
}

public sealed record CollectionDefinition(string Name, Type DocumentType, IReadOnlyList<string[]> Indexes);

/// <summary>The one JSON shape of documents and outbox events, whatever the engine.</summary>
public static class DocumentJson
{
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>
    /// Locked with the reflection resolver from the start, so the JSON contract of a type can be read (the MongoDB
    /// engine types filter values by it) before anything was serialized; unlocked options have no resolver until then.
    /// </summary>
    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.MakeReadOnly();
        return options;
    }
}
