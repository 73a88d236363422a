using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Casework.Persistence.Mongo;

internal static class MongoEngine
{
    public static IServiceCollection AddMongoEngine(this IServiceCollection services, string connectionString, int? maxPoolSize, string? transactions)
    {
        var mode = (transactions ?? "auto").ToLowerInvariant() switch
        {
            "auto" => MongoTransactions.Auto,
            "required" => MongoTransactions.Required,
            _ => throw new InvalidOperationException($"Store:Mongo:Transactions '{transactions}' is not supported; use 'auto' or 'required'."),
        };
        services.AddSingleton(_ => new MongoContext(connectionString, maxPoolSize, mode));
        services.AddSingleton<MongoDocumentStore>();
        services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IOutboxStore, MongoOutboxStore>();
        services.AddSingleton<IStoreSchema, MongoSchema>();
        return services;
    }

    /// <summary>
    /// Runs a read, or a write that the server cannot have applied yet, turning "no server reachable" into
    /// <see cref="StoreUnavailableException"/> (services answer 503; like opening a connection on PostgreSQL).
    /// </summary>
    public static async Task<T> ReachAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation();
        }
        catch (Exception exception) when (IsUnreachable(exception) && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException(exception);
        }
    }

    public static Task ReachAsync(Func<Task> operation, CancellationToken cancellationToken) =>
        ReachAsync(async () => { await operation(); return true; }, cancellationToken);

    /// <summary>
    /// No server could be selected (a timeout selecting one), or no connection could be had from the pool: nothing was sent.
    /// A connection that fails mid-operation is also a <see cref="MongoConnectionException"/>; callers only use this where
    /// an operation that may have been applied changes nothing (reads, writes inside an uncommitted transaction).
    /// </summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is TimeoutException or MongoConnectionException or MongoWaitQueueFullException or MongoConnectionPoolPausedException;

    /// <summary>Server selection failures only: certainly nothing was sent.</summary>
    public static bool IsNotSent(Exception exception) =>
        exception is TimeoutException or MongoWaitQueueFullException or MongoConnectionPoolPausedException;

    public static bool IsDuplicateKey(Exception exception) => exception switch
    {
        MongoWriteException write => write.WriteError?.Category == ServerErrorCategory.DuplicateKey,
        MongoBulkWriteException bulk => bulk.WriteErrors.Any(e => e.Category == ServerErrorCategory.DuplicateKey),
        MongoCommandException command => command.Code == DuplicateKeyCode,
        _ => false,
    };

    /// <summary>Another transaction wrote the same document first (first writer wins): nothing of this one is kept.</summary>
    public static bool IsWriteConflict(Exception exception) => exception switch
    {
        MongoCommandException command => command.Code == WriteConflictCode,
        MongoWriteException write => write.WriteError?.Code == WriteConflictCode,
        MongoBulkWriteException bulk => bulk.WriteErrors.Any(e => e.Code == WriteConflictCode),
        _ => false,
    };

    /// <summary>
    /// A failure inside a transaction that certainly left it uncommitted: a transient transaction error, or no server
    /// reached. A commit whose outcome is unknown (UnknownTransactionCommitResult, e.g. the connection broke while
    /// committing) is not one: it may have been applied.
    /// </summary>
    public static bool NotCommitted(Exception exception) => exception switch
    {
        MongoException unknown when unknown.HasErrorLabel("UnknownTransactionCommitResult") => false,
        MongoException transient when transient.HasErrorLabel("TransientTransactionError") => true,
        _ => IsUnreachable(exception),
    };

    public const int DuplicateKeyCode = 11000;
    public const int WriteConflictCode = 112;
    public const int NamespaceExistsCode = 48;
}

public enum MongoTransactions
{
    /// <summary>Transactions where the server has them (replica set, sharded cluster); single-document commits otherwise.</summary>
    Auto,

    /// <summary>Refuse to start without transactions.</summary>
    Required,
}

/// <summary>The client, database and collections of one service's store, and what the server supports.</summary>
internal sealed class MongoContext : IDisposable
{
    private readonly object _gate = new();
    private Task<bool>? _transactions;
    private long _lastSequence;

    public MongoContext(string connectionString, int? maxPoolSize, MongoTransactions mode)
    {
        var url = MongoUrl.Create(connectionString);
        if (string.IsNullOrEmpty(url.DatabaseName))
        {
            throw new InvalidOperationException("ConnectionStrings:Store must name the database in its path (mongodb://host:27017/casework_case?replicaSet=rs0).");
        }
        var settings = MongoClientSettings.FromUrl(url);
        if (!connectionString.Contains("serverSelectionTimeoutMS", StringComparison.OrdinalIgnoreCase))
        {
            // A server that is down fails a request in seconds (503), not after the driver's default 30 s.
            settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        }
        if (maxPoolSize is { } size && !connectionString.Contains("maxPoolSize", StringComparison.OrdinalIgnoreCase))
        {
            settings.MaxConnectionPoolSize = size;
        }
        _client = new MongoClient(settings);
        Database = _client.GetDatabase(url.DatabaseName);
        Mode = mode;
    }

    private readonly MongoClient _client;

    public IMongoClient Client => _client;
    public IMongoDatabase Database { get; }
    public MongoTransactions Mode { get; }

    public IMongoCollection<BsonDocument> Documents(CollectionDefinition collection) => Database.GetCollection<BsonDocument>(CollectionName(collection));

    public IMongoCollection<BsonDocument> Outbox => Database.GetCollection<BsonDocument>(OutboxName);
    public IMongoCollection<BsonDocument> Inbox => Database.GetCollection<BsonDocument>(InboxName);

    /// <summary>Without transactions, the events of a commit without a document, written as one document.</summary>
    public IMongoCollection<BsonDocument> OutboxBatches => Database.GetCollection<BsonDocument>(OutboxBatchesName);

    public const string OutboxName = "outbox";
    public const string InboxName = "inbox";
    public const string OutboxBatchesName = "outbox_batches";

    /// <summary>Documents of a collection live in their own MongoDB collection, named like the PostgreSQL table.</summary>
    public static string CollectionName(CollectionDefinition collection) => "doc_" + collection.Name;

    /// <summary>
    /// Whether the server runs multi-document transactions: a replica set member (<c>setName</c>) or a mongos
    /// (<c>msg: "isdbgrid"</c>), asked once with the hello command. A failed question is asked again next time.
    /// </summary>
    public Task<bool> TransactionsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_transactions is null || _transactions.IsFaulted || _transactions.IsCanceled)
            {
                _transactions = DetectAsync(cancellationToken);
            }
            return _transactions;
        }
    }

    /// <summary>Tells the context what the server supports without asking it (tests without a server).</summary>
    internal void AssumeTransactions(bool available)
    {
        lock (_gate)
        {
            _transactions = Task.FromResult(available);
        }
    }

    private async Task<bool> DetectAsync(CancellationToken cancellationToken)
    {
        var admin = Client.GetDatabase("admin");
        var hello = await MongoEngine.ReachAsync(async () =>
        {
            try
            {
                return await admin.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken);
            }
            catch (MongoCommandException exception) when (exception.Code == CommandNotFoundCode)
            {
                // Servers before 4.4.2 only know the older name of the same command.
                return await admin.RunCommandAsync<BsonDocument>(new BsonDocument("isMaster", 1), cancellationToken: cancellationToken);
            }
        }, cancellationToken);
        return SupportsTransactions(hello);
    }

    private const int CommandNotFoundCode = 59;

    public static bool SupportsTransactions(BsonDocument hello) =>
        hello.Contains("setName") || (hello.TryGetValue("msg", out var msg) && msg == "isdbgrid");

    /// <summary>
    /// The outbox order: strictly increasing in this process (events of one commit included) and close to the
    /// clock's ticks, so events of different processes interleave by commit time.
    /// </summary>
    public long NextSequence()
    {
        while (true)
        {
            var last = Interlocked.Read(ref _lastSequence);
            var next = Math.Max(last + 1, DateTime.UtcNow.Ticks);
            if (Interlocked.CompareExchange(ref _lastSequence, next, last) == last)
            {
                return next;
            }
        }
    }

    /// <summary>The container disposes it with the host: the client's pool and server monitors stop.</summary>
    public void Dispose() => _client.Dispose();

    /// <summary>Now as MongoDB stores it (milliseconds, UTC).</summary>
    public static DateTime Now() => DateTime.UtcNow;
}
