using System.Text.Json;
using System.Text.RegularExpressions;
using MongoDB.Bson;

namespace Casework.Persistence.Mongo.Tests;

public sealed record Item(
    string Name, bool Active, bool? Maybe, int Size, long Big, decimal Price, IReadOnlyList<string> Tags, IReadOnlyList<int> Numbers,
    DateTimeOffset At, SampleKind Kind);

public sealed class MongoRenderTests
{
    private static BsonDocument Render(DocumentFilter filter) => MongoRender.Filter(filter, typeof(Item));

    [Fact]
    public void Each_condition_renders_on_the_documents_content()
    {
        Assert.Equal(new BsonDocument(), Render(new DocumentFilter()));
        Assert.Equal(BsonDocument.Parse("{ 'data.name': 'ann' }"), Render(new DocumentFilter().Equal("name", "ann")));
        Assert.Equal(BsonDocument.Parse("{ 'data.name': { $in: ['ann', 'bob'] } }"), Render(new DocumentFilter().In("name", ["ann", "bob"])));
        Assert.Equal(BsonDocument.Parse("{ 'data.name': { $in: [] } }"), Render(new DocumentFilter().In("name", [])));
        Assert.Equal(BsonDocument.Parse("{ 'data.name': { $lt: 'm' } }"), Render(new DocumentFilter().LessThan("name", "m")));
        Assert.Equal(BsonDocument.Parse("{ 'data.name': { $lte: 'm' } }"), Render(new DocumentFilter().AtMost("name", "m")));
        Assert.Equal(BsonDocument.Parse("{ 'data.name': { $gte: 'm' } }"), Render(new DocumentFilter().AtLeast("name", "m")));
        Assert.Equal(BsonDocument.Parse("{ 'data.name': null }"), Render(new DocumentFilter().Missing("name")));
        Assert.Equal(BsonDocument.Parse("{ 'data.tags': 'red' }"), Render(new DocumentFilter().Includes("tags", "red")));
        Assert.Equal(new BsonDocument("data.name", new BsonRegularExpression("ann", "i")), Render(new DocumentFilter().Contains("name", "ann")));
        // Null values and empty text are no condition, as on every engine.
        Assert.Equal(new BsonDocument(), Render(new DocumentFilter().Equal("name", null).LessThan("name", null).Contains("name", "")));
    }

    [Fact]
    public void Values_take_the_BSON_type_of_the_field_they_compare_with()
    {
        Assert.Equal(BsonDocument.Parse("{ 'data.active': true }"), Render(new DocumentFilter().Equal("active", "true")));
        Assert.Equal(BsonDocument.Parse("{ 'data.active': false }"), Render(new DocumentFilter().Equal("active", "false")));
        Assert.Equal(BsonDocument.Parse("{ 'data.maybe': true }"), Render(new DocumentFilter().Equal("maybe", "true"))); // Nullable<bool>
        Assert.Equal(new BsonDocument("data.size", new BsonDocument("$gte", new BsonInt32(3))), Render(new DocumentFilter().AtLeast("size", "3")));
        Assert.Equal(new BsonDocument("data.big", new BsonInt64(9_000_000_000)), Render(new DocumentFilter().Equal("big", "9000000000")));
        Assert.Equal(new BsonDocument("data.price", new BsonDocument("$lt", new BsonDecimal128(Decimal128.Parse("12.50")))),
            Render(new DocumentFilter().LessThan("price", "12.50")));
        Assert.Equal(new BsonDocument("data.numbers", new BsonInt32(7)), Render(new DocumentFilter().Includes("numbers", "7")));
        Assert.Equal(new BsonDocument("data.size", new BsonDocument("$in", new BsonArray { new BsonInt32(1), new BsonInt32(2) })),
            Render(new DocumentFilter().In("size", ["1", "2"])));
        // Enums, dates, ids and fields the type does not have compare as the text they are stored as.
        Assert.Equal(BsonDocument.Parse("{ 'data.kind': 'Fancy' }"), Render(new DocumentFilter().Equal("kind", "Fancy")));
        Assert.Equal(BsonDocument.Parse("{ 'data.at': { $lt: '2025-01-13T00:00:00.0000000Z' } }"),
            Render(new DocumentFilter().LessThan("at", "2025-01-13T00:00:00.0000000Z")));
        Assert.Equal(BsonDocument.Parse("{ 'data.unknown': 'true' }"), Render(new DocumentFilter().Equal("unknown", "true")));
        // Text that is not of the field's type stays text: it matches nothing, as the text comparison on PostgreSQL would.
        Assert.Equal(BsonDocument.Parse("{ 'data.active': 'yes' }"), Render(new DocumentFilter().Equal("active", "yes")));
        Assert.Equal(BsonDocument.Parse("{ 'data.size': 'three' }"), Render(new DocumentFilter().Equal("size", "three")));
    }

    [Fact]
    public void The_services_boolean_filters_compare_with_booleans()
    {
        var workers = StoredTypes.Collection("assignment", "workers").DocumentType;
        Assert.Equal(BsonDocument.Parse("{ 'data.overCapacity': true }"), MongoRender.Filter(new DocumentFilter().Equal("overCapacity", "true"), workers));
        Assert.Equal(BsonDocument.Parse("{ 'data.teamIds': 'housing' }"), MongoRender.Filter(new DocumentFilter().Includes("teamIds", "housing"), workers));
        var notes = StoredTypes.Collection("notes", "notes").DocumentType;
        Assert.Equal(BsonDocument.Parse("{ 'data.restricted': false }"), MongoRender.Filter(new DocumentFilter().Equal("restricted", "false"), notes));
    }

    [Fact]
    public void Several_conditions_must_all_hold_even_on_one_field()
    {
        var range = Render(new DocumentFilter().Equal("name", "ann").AtLeast("at", "2025-01-01").LessThan("at", "2025-02-01").Missing("maybe"));
        Assert.Equal(BsonDocument.Parse("""
            { $and: [
                { 'data.name': 'ann' },
                { 'data.at': { $gte: '2025-01-01' } },
                { 'data.at': { $lt: '2025-02-01' } },
                { 'data.maybe': null } ] }
            """), range);
    }

    [Theory]
    [InlineData("a.b*(c)", "xxA.B*(C)yy", true)]
    [InlineData("a.b*(c)", "aXb(c)", false)]
    [InlineData("a.b*(c)", "abbbc", false)]
    [InlineData("50%", "up 50% today", true)]
    [InlineData("d_lta", "delta", false)]
    [InlineData("[x]+{2}|^$\\/-#?", "pre [X]+{2}|^$\\/-#? post", true)]
    [InlineData("[x]", "x", false)]
    [InlineData("ZOË", "zoë", true)]
    [InlineData("a\0b", "xa\0by", true)]
    [InlineData("a\0b", "ab", false)]
    public void Contains_matches_its_text_literally_ignoring_case(string text, string value, bool matches)
    {
        var condition = Render(new DocumentFilter().Contains("name", text))["data.name"].AsBsonRegularExpression;
        Assert.Equal("i", condition.Options);
        Assert.DoesNotContain('\0', condition.Pattern); // BSON patterns are NUL-terminated
        Assert.Equal(matches, Regex.IsMatch(value, condition.Pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant));
    }

    [Fact]
    public void Field_names_are_checked_before_they_reach_a_query()
    {
        Assert.Throws<ArgumentException>(() => Render(new DocumentFilter().Equal("name'); db.dropDatabase(", "x")));
        Assert.Throws<ArgumentException>(() => Render(new DocumentFilter().Equal("$where", "x")));
        Assert.Throws<ArgumentException>(() => Render(new DocumentFilter().Equal("a.b", "x")));
        Assert.Throws<ArgumentException>(() => MongoRender.Order([], "data.$x", false));
        Assert.Throws<ArgumentException>(() => MongoRender.CountBy("$name", new DocumentFilter(), typeof(Item)));
    }

    [Fact]
    public void Without_an_order_or_ordered_by_id_a_page_is_one_read_in_id_order()
    {
        var filter = BsonDocument.Parse("{ 'data.name': 'ann' }");
        Assert.Equal((new OrderedRead(filter, BsonDocument.Parse("{ _id: 1 }")), null), MongoRender.Order(filter, null, false));
        Assert.Equal((new OrderedRead(filter, BsonDocument.Parse("{ _id: 1 }")), null), MongoRender.Order(filter, null, true)); // no order asked: id order, as on PostgreSQL
        Assert.Equal((new OrderedRead(filter, BsonDocument.Parse("{ _id: -1 }")), null), MongoRender.Order(filter, "id", true));
    }

    [Fact]
    public void Ascending_reads_the_documents_with_the_field_first_and_those_without_it_last_ties_by_id()
    {
        var (first, then) = MongoRender.Order(BsonDocument.Parse("{ 'data.name': 'ann' }"), "at", descending: false);
        Assert.Equal(BsonDocument.Parse("{ $and: [ { 'data.name': 'ann' }, { 'data.at': { $ne: null } } ] }"), first.Filter);
        Assert.Equal(BsonDocument.Parse("{ 'data.at': 1, _id: 1 }"), first.Sort);
        Assert.Equal(["data.at", "_id"], first.Sort.Names);
        Assert.Equal(BsonDocument.Parse("{ $and: [ { 'data.name': 'ann' }, { 'data.at': null } ] }"), then!.Filter);
        Assert.Equal(BsonDocument.Parse("{ _id: 1 }"), then.Sort);
    }

    [Fact]
    public void Descending_reads_the_documents_without_the_field_first_as_PostgreSQL_orders_nulls()
    {
        var (first, then) = MongoRender.Order([], "at", descending: true);
        Assert.Equal(BsonDocument.Parse("{ 'data.at': null }"), first.Filter);
        Assert.Equal(BsonDocument.Parse("{ _id: -1 }"), first.Sort);
        Assert.Equal(BsonDocument.Parse("{ 'data.at': { $ne: null } }"), then!.Filter);
        Assert.Equal(BsonDocument.Parse("{ 'data.at': -1, _id: -1 }"), then.Sort);
    }

    [Fact]
    public void The_id_field_is_the_documents_id_in_filters_orders_and_groups_as_in_indexes()
    {
        Assert.Equal(BsonDocument.Parse("{ _id: { $gte: 'n-1' } }"), Render(new DocumentFilter().AtLeast("id", "n-1")));
        Assert.Equal(BsonDocument.Parse("{ _id: { $in: ['a', 'b'] } }"), Render(new DocumentFilter().In("id", ["a", "b"])));
        Assert.Equal(BsonDocument.Parse("{ _id: 1 }"), MongoRender.Order([], DocumentCollections.DocumentId, false).First.Sort);
        Assert.Equal("$_id", MongoRender.CountBy("id", new DocumentFilter(), typeof(Item))[1]["$group"]["_id"]["$toString"].AsString);
        Assert.Equal(BsonDocument.Parse("{ _id: 1 }"), MongoRender.IndexKeys(["id"]));
    }

    [Fact]
    public void CountBy_groups_the_matches_by_the_fields_text()
    {
        var pipeline = MongoRender.CountBy("status", new DocumentFilter().Equal("active", "true"), typeof(Item));
        Assert.Equal([
            BsonDocument.Parse("{ $match: { 'data.active': true } }"),
            BsonDocument.Parse("{ $group: { _id: { $toString: '$data.status' }, count: { $sum: 1 } } }"),
        ], pipeline);
    }

    [Fact]
    public void CountBy_results_are_in_ordinal_order_with_no_value_last()
    {
        var groups = MongoRender.Groups([
            BsonDocument.Parse("{ _id: 'red', count: 3 }"),
            BsonDocument.Parse("{ _id: null, count: 2 }"),
            BsonDocument.Parse("{ _id: 'Blue', count: NumberLong(4) }"),
            BsonDocument.Parse("{ _id: 'blue', count: 1 }"),
        ]);
        Assert.Equal([new GroupCount("Blue", 4), new GroupCount("blue", 1), new GroupCount("red", 3), new GroupCount(null, 2)], groups);
    }

    [Fact]
    public void The_notes_list_index_ends_with_the_document_id()
    {
        var notes = StoredTypes.Collection("notes", "notes");
        Assert.Equal(BsonDocument.Parse("{ 'data.caseId': 1, 'data.occurredAt': 1, _id: 1 }"), MongoRender.IndexKeys(notes.Indexes[0]));
        Assert.Equal(["data.caseId", "data.occurredAt", "_id"], MongoRender.IndexKeys(notes.Indexes[0]).Names);
        Assert.Equal("ix_notes_caseid_occurredat_id", MongoRender.IndexName(notes, notes.Indexes[0]));
    }

    /// <summary>Every index every service declares: keys in order, ascending, on fields its documents really have.</summary>
    [Theory]
    [MemberData(nameof(StoredTypes.Collections), MemberType = typeof(StoredTypes))]
    public void Every_declared_index_becomes_ascending_keys_on_fields_the_documents_have(string service, string name)
    {
        var collection = StoredTypes.Collection(service, name);
        var properties = DocumentJson.Options.GetTypeInfo(collection.DocumentType).Properties.Select(p => p.Name).ToHashSet();
        var (_, wanted) = MongoSchema.Wanted(StoredTypes.Services.Single(s => s.Service == service).Collections)
            .Single(c => c.Collection == "doc_" + name);
        foreach (var fields in collection.Indexes)
        {
            var keys = MongoRender.IndexKeys(fields);
            Assert.Equal(fields.Select(f => f == DocumentCollections.DocumentId ? "_id" : "data." + f), keys.Names);
            Assert.All(keys.Values, v => Assert.Equal(1, v.AsInt32));
            Assert.All(fields.Where(f => f != DocumentCollections.DocumentId), f => Assert.Contains(f, properties));
            var index = Assert.Single(wanted, i => i.Name == MongoRender.IndexName(collection, fields));
            Assert.Equal(keys, index.Keys);
            Assert.Null(index.Partial);
        }
        Assert.Equal(collection.Indexes.Count + 2, wanted.Count); // and the two partial indexes of commits without transactions
    }

    [Fact]
    public void The_schema_has_the_outbox_inbox_and_a_collection_per_declared_type_with_partial_indexes()
    {
        var collections = new DocumentCollections().Add<Item>("items", ["name", "id"], ["id"]);
        var wanted = MongoSchema.Wanted(collections).ToDictionary(c => c.Collection, c => c.Indexes);

        Assert.Equal(["outbox", "inbox", "outbox_batches", "doc_items"], wanted.Keys);
        var pendingSeq = Assert.Single(wanted["outbox"], i => i.Name == "ix_outbox_pending_seq");
        Assert.Equal(BsonDocument.Parse("{ seq: 1 }"), pendingSeq.Keys);
        Assert.Equal(BsonDocument.Parse("{ pending: true }"), pendingSeq.Partial);
        Assert.Contains(wanted["outbox"], i => i.Keys == BsonDocument.Parse("{ sentAt: 1 }"));
        Assert.Contains(wanted["outbox"], i => i.Keys == BsonDocument.Parse("{ claim: 1 }") && i.Partial == BsonDocument.Parse("{ pending: true }"));

        var items = wanted["doc_items"];
        Assert.Equal(["ix_items_name_id", "ix_items_outbox_pending", "ix_items_consumed"], items.Select(i => i.Name)); // ["id"] alone is _id's own
        Assert.Equal(BsonDocument.Parse("{ 'data.name': 1, _id: 1 }"), items[0].Keys);
        Assert.Equal(BsonDocument.Parse("{ outboxPending: { $exists: true } }"), items[1].Partial);
        Assert.Equal(BsonDocument.Parse("{ consumed: 1 }"), items[2].Keys);
        Assert.Equal(BsonDocument.Parse("{ consumed: { $exists: true } }"), items[2].Partial);
        Assert.Contains(wanted["inbox"], i => i.Keys == BsonDocument.Parse("{ outboxPending: 1 }"));
    }

    [Fact]
    public void Document_type_properties_are_read_from_the_JSON_contract()
    {
        // Readable before anything was serialized (the first request after start may be a query).
        Assert.True(DocumentJson.Options.IsReadOnly);
        Assert.NotNull(DocumentJson.Options.TypeInfoResolver);
        Assert.Equal(typeof(bool), MongoRender.FieldType(typeof(Item), "maybe"));
        Assert.Equal(typeof(string), MongoRender.FieldType(typeof(Item), "tags", element: true));
        Assert.Equal(typeof(int), MongoRender.FieldType(typeof(Item), "numbers", element: true));
        Assert.Equal(typeof(string), MongoRender.FieldType(typeof(Item), "Name")); // JSON names are camelCase
        Assert.Equal("{\"name\":\"x\"}", JsonSerializer.Serialize(new { Name = "x" }, DocumentJson.Options));
    }
}
