using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using MongoDB.Bson;

namespace Casework.Persistence.Mongo.Tests;

/// <summary>
/// Every (document type, field) the services filter, order or group on, rendered as MongoDB reads it: the field must be
/// a property of the type's JSON contract (a renamed property would otherwise match nothing, silently) and the value a
/// filter sends must have the BSON type that property is stored as (a stored <c>true</c> does not equal the string "true").
/// </summary>
public sealed class ServiceQueriesTests
{
    public enum Use
    {
        Equal,
        In,
        LessThan,
        AtMost,
        AtLeast,
        Missing,
        Contains,
        Includes,
        OrderBy,
        CountBy,
    }

    /// <summary>
    /// Made from <c>grep -rnoE '\.(Equal|In|LessThan|AtMost|AtLeast|Missing|Contains|Includes)\("[a-zA-Z]+"|OrderBy = |CountByAsync&lt;' services/</c>
    /// (outside BuildingBlocks), each hit's document type read from the store call it feeds (QueryAsync&lt;T&gt;,
    /// QueryAllAsync&lt;T&gt;, CountByAsync&lt;T&gt;, PurgeAsync&lt;T&gt;), and order fields given through a variable (CasesApi's
    /// Sorts, DashboardApi's freshness, Rebuilder's key fields, period fields) followed to their values. A query with a
    /// literal field name and no row fails <see cref="Every_literal_query_in_the_services_source_has_a_row"/>; one whose
    /// field comes through a variable must be followed by hand.
    /// </summary>
    public static readonly (string Service, string Type, string Field, Use Use)[] Queries =
    [
        // Intake
        ("intake", "Person", "familyNameKey", Use.Equal), ("intake", "Person", "givenNameKey", Use.Equal),
        ("intake", "Person", "dateOfBirth", Use.Equal), ("intake", "Person", "emailKey", Use.Equal),
        ("intake", "Person", "phoneKey", Use.Equal), ("intake", "Person", "postcodeKey", Use.Equal),
        ("intake", "Person", "familyNameKey", Use.OrderBy),
        ("intake", "Referral", "status", Use.Equal), ("intake", "Referral", "status", Use.In),
        ("intake", "Referral", "partnerClientId", Use.Equal), ("intake", "Referral", "personId", Use.Equal),
        ("intake", "Referral", "decisionDueAt", Use.LessThan), ("intake", "Referral", "decisionDueAt", Use.OrderBy),
        ("intake", "Referral", "receivedAt", Use.OrderBy),
        ("intake", "WebhookDelivery", "nextAttemptAt", Use.AtMost), ("intake", "WebhookDelivery", "nextAttemptAt", Use.OrderBy),
        ("intake", "WebhookDelivery", "clientId", Use.Equal), ("intake", "WebhookDelivery", "state", Use.Equal),
        ("intake", "WebhookDelivery", "state", Use.In), ("intake", "WebhookDelivery", "referralId", Use.Equal),
        ("intake", "WebhookDelivery", "createdAt", Use.LessThan), ("intake", "WebhookDelivery", "createdAt", Use.OrderBy),
        ("intake", "IdempotencyRecord", "createdAt", Use.LessThan),

        // Case
        ("case", "SupportCase", "status", Use.Equal), ("case", "SupportCase", "stage", Use.Equal),
        ("case", "SupportCase", "nextReviewOn", Use.LessThan), ("case", "SupportCase", "nextReviewOn", Use.AtMost),
        ("case", "SupportCase", "pathwayId", Use.Equal), ("case", "SupportCase", "concernLevel", Use.Equal),
        ("case", "SupportCase", "teamId", Use.Equal), ("case", "SupportCase", "teamId", Use.In),
        ("case", "SupportCase", "assignedWorkerId", Use.Equal), ("case", "SupportCase", "personId", Use.Equal),
        ("case", "SupportCase", "personId", Use.In),
        ("case", "SupportCase", "openedAt", Use.OrderBy), ("case", "SupportCase", "nextReviewOn", Use.OrderBy),
        ("case", "SupportCase", "concernRank", Use.OrderBy),
        ("case", "Pathway", "name", Use.OrderBy),

        // Notes
        ("notes", "CaseNote", "caseId", Use.Equal), ("notes", "CaseNote", "caseId", Use.In),
        ("notes", "CaseNote", "writtenAt", Use.OrderBy), ("notes", "CaseNote", "type", Use.Equal),
        ("notes", "CaseNote", "authorId", Use.Equal), ("notes", "CaseNote", "occurredAt", Use.AtLeast),
        ("notes", "CaseNote", "occurredAt", Use.AtMost), ("notes", "CaseNote", "occurredAt", Use.OrderBy),
        ("notes", "CaseNote", "body", Use.Contains), ("notes", "CaseNote", "teamId", Use.Missing),
        ("notes", "CaseNote", "teamId", Use.Equal), ("notes", "CaseNote", "teamId", Use.In),
        ("notes", "CaseNote", "restricted", Use.Equal), ("notes", "CaseNote", "id", Use.OrderBy),
        ("notes", "CaseRecord", "assignedWorkerId", Use.Equal),
        ("notes", "NoteTemplate", "pathwayId", Use.Equal),
        ("notes", "AuditEntry", "recordType", Use.Equal), ("notes", "AuditEntry", "parentId", Use.Equal),
        ("notes", "AuditEntry", "recordId", Use.Equal), ("notes", "AuditEntry", "actorId", Use.Equal),
        ("notes", "AuditEntry", "at", Use.AtLeast), ("notes", "AuditEntry", "at", Use.AtMost), ("notes", "AuditEntry", "at", Use.OrderBy),

        // Assignment
        ("assignment", "CaseAssignment", "workerId", Use.Equal), ("assignment", "CaseAssignment", "status", Use.Equal),
        ("assignment", "CaseAssignment", "teamId", Use.Equal), ("assignment", "CaseAssignment", "teamId", Use.In),
        ("assignment", "CaseAssignment", "pathwayId", Use.In), ("assignment", "CaseAssignment", "openedAt", Use.OrderBy),
        ("assignment", "CaseAssignment", "nextReviewOn", Use.LessThan), ("assignment", "CaseAssignment", "nextReviewOn", Use.OrderBy),
        ("assignment", "AssignmentChange", "caseId", Use.Equal),
        ("assignment", "Team", "id", Use.In),
        ("assignment", "Worker", "teamIds", Use.Includes), ("assignment", "Worker", "availability", Use.Equal),
        ("assignment", "Worker", "overCapacity", Use.Equal), ("assignment", "Worker", "name", Use.OrderBy),

        // Reporting
        ("reporting", "CaseReport", "pathwayId", Use.Equal), ("reporting", "CaseReport", "teamId", Use.Equal),
        ("reporting", "CaseReport", "teamId", Use.In), ("reporting", "CaseReport", "status", Use.Equal),
        ("reporting", "CaseReport", "caseId", Use.In), ("reporting", "CaseReport", "caseId", Use.AtLeast),
        ("reporting", "CaseReport", "nextReviewOn", Use.AtLeast), ("reporting", "CaseReport", "nextReviewOn", Use.AtMost),
        ("reporting", "CaseReport", "nextReviewOn", Use.LessThan),
        ("reporting", "CaseReport", "openedAt", Use.AtLeast), ("reporting", "CaseReport", "openedAt", Use.LessThan),
        ("reporting", "CaseReport", "closedAt", Use.AtLeast), ("reporting", "CaseReport", "closedAt", Use.LessThan),
        ("reporting", "CaseReport", "closedAt", Use.Missing),
        ("reporting", "CaseReport", "firstContactAt", Use.AtLeast), ("reporting", "CaseReport", "firstContactAt", Use.LessThan),
        ("reporting", "CaseReport", "pathwayId", Use.CountBy), ("reporting", "CaseReport", "stage", Use.CountBy),
        ("reporting", "CaseReport", "concernLevel", Use.CountBy), ("reporting", "CaseReport", "workerId", Use.CountBy),
        ("reporting", "CaseReport", "status", Use.CountBy),
        ("reporting", "CaseReport", "openedWeek", Use.CountBy), ("reporting", "CaseReport", "openedMonth", Use.CountBy),
        ("reporting", "CaseReport", "closedWeek", Use.CountBy), ("reporting", "CaseReport", "closedMonth", Use.CountBy),
        ("reporting", "ReferralReport", "pathwayId", Use.Equal), ("reporting", "ReferralReport", "pathwayId", Use.In),
        ("reporting", "ReferralReport", "status", Use.In), ("reporting", "ReferralReport", "decisionDueAt", Use.LessThan),
        ("reporting", "ReferralReport", "receivedAt", Use.AtLeast), ("reporting", "ReferralReport", "referralId", Use.AtLeast),
        ("reporting", "ReferralReport", "status", Use.CountBy), ("reporting", "ReferralReport", "pathwayId", Use.CountBy),
        ("reporting", "ReferralReport", "receivedWeek", Use.CountBy), ("reporting", "ReferralReport", "receivedMonth", Use.CountBy),
        ("reporting", "NoteFact", "happenedAt", Use.AtLeast), ("reporting", "NoteFact", "happenedAt", Use.LessThan),
        ("reporting", "NoteFact", "noteId", Use.AtLeast),
        ("reporting", "WorkerReport", "workerId", Use.In), ("reporting", "WorkerReport", "workerId", Use.AtLeast),
        ("reporting", "PathwayReport", "teamId", Use.In), ("reporting", "PathwayReport", "pathwayId", Use.In),
        ("reporting", "PathwayReport", "pathwayId", Use.AtLeast),
        ("reporting", "PersonReport", "personId", Use.In), ("reporting", "PersonReport", "personId", Use.AtLeast),
        ("reporting", "EventLogEntry", "position", Use.AtLeast), ("reporting", "EventLogEntry", "position", Use.OrderBy),
        ("reporting", "EventLogEntry", "appliedAt", Use.OrderBy),
        ("reporting", "IngestedRollup", "regionId", Use.Equal), ("reporting", "IngestedRollup", "from", Use.Equal),
        ("reporting", "IngestedRollup", "to", Use.Equal),
    ];

    public static IEnumerable<object[]> Rows() => Queries.Select(q => new object[] { q.Service, q.Type, q.Field, q.Use });

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_query_of_the_services_names_a_stored_field_and_sends_values_of_its_BSON_type(string service, string type, string field, Use use)
    {
        var documentType = StoredTypes.Services.Single(s => s.Service == service).Collections.All.Single(c => c.DocumentType.Name == type).DocumentType;
        if (field == DocumentCollections.DocumentId)
        {
            // The document's id: _id, a string, whatever the content holds.
            Assert.Equal("_id", Render(use, documentType, field, "x").Names.Single());
            return;
        }
        var property = Assert.Single(DocumentJson.Options.GetTypeInfo(documentType).Properties, p => p.Name == field);
        var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var elementType = use == Use.Includes ? ElementType(propertyType) : propertyType;
        Assert.True(elementType is not null, $"{type}.{field} is no list: Includes matches nothing");
        var stored = StoredAs(elementType!);
        if (use is Use.OrderBy or Use.CountBy or Use.Contains)
        {
            // Orders and groups of a list or an object are meaningless ($toString fails on them); Contains reads text.
            Assert.True(use == Use.Contains ? stored == BsonType.String : stored != BsonType.Document, $"{type}.{field} cannot be used with {use}");
        }

        var rendered = Render(use, documentType, field, Sample(stored));
        var path = "data." + field;
        Assert.Equal(path, rendered.Names.Single());
        var value = use switch
        {
            Use.Equal or Use.Includes or Use.Missing => rendered[path],
            Use.In => rendered[path]["$in"][0],
            Use.LessThan => rendered[path]["$lt"],
            Use.AtMost => rendered[path]["$lte"],
            Use.AtLeast => rendered[path]["$gte"],
            Use.Contains => new BsonString(rendered[path].AsBsonRegularExpression.Pattern),
            _ => null,
        };
        if (use == Use.Missing)
        {
            Assert.Equal(BsonNull.Value, value);
        }
        else if (value is not null)
        {
            Assert.Equal(stored, value.BsonType);
        }
    }

    private static BsonDocument Render(Use use, Type documentType, string field, string sample) => use switch
    {
        Use.OrderBy => MongoRender.Order([], field, descending: false).First.Sort.Elements.First() is var first ? new BsonDocument(first) : [],
        Use.CountBy => new BsonDocument(MongoRender.FieldPath(field), MongoRender.CountBy(field, new DocumentFilter(), documentType)[1]["$group"]["_id"]),
        _ => MongoRender.Filter(use switch
        {
            Use.Equal => new DocumentFilter().Equal(field, sample),
            Use.In => new DocumentFilter().In(field, [sample]),
            Use.LessThan => new DocumentFilter().LessThan(field, sample),
            Use.AtMost => new DocumentFilter().AtMost(field, sample),
            Use.AtLeast => new DocumentFilter().AtLeast(field, sample),
            Use.Missing => new DocumentFilter().Missing(field),
            Use.Contains => new DocumentFilter().Contains(field, sample),
            Use.Includes => new DocumentFilter().Includes(field, sample),
            _ => throw new ArgumentOutOfRangeException(nameof(use)),
        }, documentType),
    };

    /// <summary>How the BSON mapping stores a value of this CLR type (README, Running on MongoDB).</summary>
    private static BsonType StoredAs(Type type) =>
        type == typeof(bool) ? BsonType.Boolean
        : type == typeof(int) || type == typeof(short) || type == typeof(byte) ? BsonType.Int32
        : type == typeof(long) ? BsonType.Int64
        : type == typeof(decimal) || type == typeof(double) || type == typeof(float) ? BsonType.Decimal128
        : type == typeof(string) || type == typeof(Guid) || type.IsEnum || type == typeof(DateTimeOffset) || type == typeof(DateTime)
          || type == typeof(DateOnly) || type == typeof(TimeOnly) ? BsonType.String
        : ElementType(type) is not null ? BsonType.Array
        : BsonType.Document;

    private static string Sample(BsonType stored) => stored switch
    {
        BsonType.Boolean => "true",
        BsonType.Int32 or BsonType.Int64 => "3",
        BsonType.Decimal128 => "2.5",
        _ => "x",
    };

    private static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    [Fact]
    public void The_table_covers_every_service()
    {
        Assert.Equal(StoredTypes.Services.Select(s => s.Service).Order(), Queries.Select(q => q.Service).Distinct().Order());
        Assert.True(Queries.Length >= 100, $"{Queries.Length} rows: the inventory shrank");
    }

    /// <summary>The same shapes the table was made from: filter conditions, orders and counts with a literal field name.</summary>
    private static readonly Regex LiteralQuery = new(
        @"\.(?<use>Equal|In|LessThan|AtMost|AtLeast|Missing|Contains|Includes)\(""(?<field>[a-zA-Z]+)""|OrderBy = ""(?<order>[a-zA-Z]+)""|CountByAsync<[A-Za-z]+>\(""(?<count>[a-zA-Z]+)""",
        RegexOptions.Compiled);

    [Fact]
    public void Every_literal_query_in_the_services_source_has_a_row()
    {
        var services = Path.Combine(RepoRoot(), "services");
        var rows = Queries.Select(q => (q.Service, q.Field, q.Use)).ToHashSet();
        var missing = new SortedSet<string>();
        var found = 0;
        foreach (var service in StoredTypes.Services.Select(s => s.Service))
        {
            var directory = Directory.GetDirectories(services).Single(d => string.Equals(Path.GetFileName(d), service, StringComparison.OrdinalIgnoreCase));
            foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")))
            {
                foreach (Match match in LiteralQuery.Matches(File.ReadAllText(file)))
                {
                    found++;
                    var (field, use) = match.Groups["order"].Success ? (match.Groups["order"].Value, Use.OrderBy)
                        : match.Groups["count"].Success ? (match.Groups["count"].Value, Use.CountBy)
                        : (match.Groups["field"].Value, Enum.Parse<Use>(match.Groups["use"].Value));
                    if (!rows.Contains((service, field, use)))
                    {
                        missing.Add($"{service}: {use} on ({field}) in {Path.GetRelativePath(services, file)}: add its row to Queries");
                    }
                }
            }
        }
        Assert.True(found >= 100, $"{found} literal queries found under {services}: the scan no longer matches the source");
        Assert.Empty(missing);
    }

    /// <summary>The repository's root: the nearest directory above the test's output holding Casework.slnx.</summary>
    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Casework.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Casework.slnx above {AppContext.BaseDirectory}");
    }
}
