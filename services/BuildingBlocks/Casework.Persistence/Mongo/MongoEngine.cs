using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Casework.Persistence.Mongo;

internal static class MongoEngine
{
    public static IServiceCollection AddMongoEngine(this IServiceCollection services, string connectionString, int? maxPoolSize, string? transactions)
    {
        var mode = ParseMode(transactions);
        services.AddSingleton(_ => new MongoContext(connectionString, maxPoolSize, mode));
        services.AddSingleton<MongoDocumentStore>();
        services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<MongoDocumentStore>());
        services.AddSingleton<IOutboxStore, MongoOutboxStore>();
        services.AddSingleton<IStoreSchema, MongoSchema>();
        return services;
    }

    /// <summary>Store:Mongo:Transactions: <c>required</c> unless set (a standalone server is an opt-in, with its limits).</summary>
    public static MongoTransactions ParseMode(string? transactions) => (transactions ?? "required").ToLowerInvariant() switch
    {
        "required" => MongoTransactions.Required,
        "auto" => MongoTransactions.Auto,
        _ => throw new InvalidOperationException($"Store:Mongo:Transactions '{transactions}' is not supported; use 'required' (the default) or 'auto'."),
    };

    /// <summary>
    /// Runs a read, or a write that certainly changed nothing if it failed (e.g. inside a transaction that is not
    /// committed), turning "no server reachable" into <see cref="StoreUnavailableException"/> (services answer 503;
    /// like opening a connection on PostgreSQL). Every other failure surfaces as it is.
    /// </summary>
    public static async Task<T> ReachAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation();
        }
        catch (Exception exception) when (Classify(exception) is MongoFailure.Unreachable or MongoFailure.ConnectionLost
                                          && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException(exception);
        }
    }

    public static Task ReachAsync(Func<Task> operation, CancellationToken cancellationToken) =>
        ReachAsync(async () => { await operation(); return true; }, cancellationToken);

    /// <summary>What a failed server call means for the caller: the one classification every engine path uses.</summary>
    public static MongoFailure Classify(Exception exception) => exception switch
    {
        // Labels first: the server (or the driver, for a network error inside a transaction) says what became of the transaction.
        MongoException unknown when unknown.HasErrorLabel("UnknownTransactionCommitResult") => MongoFailure.UnknownCommitResult,
        MongoException transient when transient.HasErrorLabel("TransientTransactionError") => MongoFailure.TransientTransaction,
        MongoWriteException write when write.WriteError?.Category == ServerErrorCategory.DuplicateKey => MongoFailure.DuplicateKey,
        MongoBulkWriteException bulk when bulk.WriteErrors.Any(e => e.Category == ServerErrorCategory.DuplicateKey) => MongoFailure.DuplicateKey,
        MongoCommandException { Code: DuplicateKeyCode } => MongoFailure.DuplicateKey,
        // Wrong credentials or mechanism: a configuration error, not an outage (it derives from MongoConnectionException).
        MongoAuthenticationException => MongoFailure.Other,
        // No server selected, no pooled connection in time: nothing was sent.
        TimeoutException or MongoWaitQueueFullException or MongoConnectionPoolPausedException => MongoFailure.Unreachable,
        // A connection that broke mid-operation: the operation may have been applied.
        MongoConnectionException => MongoFailure.ConnectionLost,
        _ => MongoFailure.Other,
    };

    public static bool IsDuplicateKey(Exception exception) => Classify(exception) == MongoFailure.DuplicateKey;

    public const int DuplicateKeyCode = 11000;
}

internal enum MongoFailure
{
    /// <summary>Anything else (including a timeout or broken connection after a commit was sent): surfaces as it is.</summary>
    Other,

    DuplicateKey,

    /// <summary>Nothing was sent: no server could be selected, or no connection had from the pool.</summary>
    Unreachable,

    /// <summary>A connection failed during the operation: applied or not, nobody knows (harmless for reads).</summary>
    ConnectionLost,

    /// <summary>The transaction certainly did not commit (a write conflict, a failover, a lost connection before commit): run it again.</summary>
    TransientTransaction,

    /// <summary>The server cannot say whether the commit was applied: committing again is safe.</summary>
    UnknownCommitResult,
}

internal enum MongoTransactions
{
    /// <summary>Refuse to start without multi-document transactions (the default).</summary>
    Required,

    /// <summary>Transactions where the server has them (replica set, sharded cluster); single-document commits otherwise (opt-in, see README).</summary>
    Auto,
}

/// <summary>The client, database and collections of one service's store, and what the server supports.</summary>
internal sealed class MongoContext : IDisposable
{
    private readonly object _gate = new();
    private readonly MongoClient _client;
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

    public IMongoClient Client => _client;
    public IMongoDatabase Database { get; }
    public MongoTransactions Mode { get; }

    public IMongoCollection<BsonDocument> Documents(CollectionDefinition collection) => Database.GetCollection<BsonDocument>(CollectionName(collection));

    public IMongoCollection<BsonDocument> Outbox => Database.GetCollection<BsonDocument>(OutboxName);
    public IMongoCollection<BsonDocument> Inbox => Database.GetCollection<BsonDocument>(InboxName);

    /// <summary>Without transactions, the events of a commit without a document, written as one document.</summary>
    public IMongoCollection<BsonDocument> OutboxBatches => Database.GetCollection<BsonDocument>(OutboxBatchesName);

    /// <summary>
    /// Every collection that may hold events committed inside a document (written without transactions, until the relay
    /// moves them): a deployment that ran standalone and became a replica set still has some.
    /// </summary>
    public IEnumerable<IMongoCollection<BsonDocument>> EventCarriers(DocumentCollections collections) =>
        collections.All.Select(Documents).Append(Inbox).Append(OutboxBatches);

    public const string OutboxName = "outbox";
    public const string InboxName = "inbox";
    public const string OutboxBatchesName = "outbox_batches";

    /// <summary>Documents of a collection live in their own MongoDB collection, named like the PostgreSQL table.</summary>
    public static string CollectionName(CollectionDefinition collection) => "doc_" + collection.Name;

    /// <summary>
    /// Whether commits run as multi-document transactions. With <see cref="MongoTransactions.Required"/> a server without
    /// them is refused with an error that says what to do.
    /// </summary>
    public async Task<bool> UseTransactionsAsync(CancellationToken cancellationToken)
    {
        var available = await TransactionsAvailableAsync().WaitAsync(cancellationToken);
        if (!available && Mode == MongoTransactions.Required)
        {
            throw new InvalidOperationException(
                "The MongoDB server is a standalone server without multi-document transactions, which the store needs " +
                "(Store:Mongo:Transactions is 'required', the default). Run a replica set: one node is enough " +
                "(mongod --replSet rs0, then rs.initiate() once). To run on a standalone server with single-document commits " +
                "and their limits instead, set Store:Mongo:Transactions=auto. See README, Running on MongoDB.");
        }
        return available;
    }

    /// <summary>
    /// Whether the server runs multi-document transactions: a replica set member (<c>setName</c>) or a mongos
    /// (<c>msg: "isdbgrid"</c>), asked once with the hello command. The question is not tied to its first caller's
    /// cancellation (callers stop waiting, the question goes on); a failed question is asked again next time.
    /// </summary>
    private Task<bool> TransactionsAvailableAsync()
    {
        lock (_gate)
        {
            if (_transactions is null || _transactions.IsFaulted || _transactions.IsCanceled)
            {
                _transactions = DetectAsync();
            }
            return _transactions;
        }
    }

    /// <summary>Tells the context what the server supports without asking it (tests of the standalone mode).</summary>
    internal void AssumeTransactions(bool available)
    {
        lock (_gate)
        {
            _transactions = Task.FromResult(available);
        }
    }

    private async Task<bool> DetectAsync()
    {
        var admin = Client.GetDatabase("admin");
        var hello = await MongoEngine.ReachAsync(async () =>
        {
            try
            {
                return await admin.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1));
            }
            catch (MongoCommandException exception) when (exception.Code == CommandNotFoundCode)
            {
                // Servers before 4.4.2 only know the older name of the same command.
                return await admin.RunCommandAsync<BsonDocument>(new BsonDocument("isMaster", 1));
            }
        }, CancellationToken.None);
        return SupportsTransactions(hello);
    }

    private const int CommandNotFoundCode = 59;

    public static bool SupportsTransactions(BsonDocument hello) =>
        hello.Contains("setName") || (hello.TryGetValue("msg", out var msg) && msg == "isdbgrid");

    /// <summary>
    /// The outbox order: strictly increasing in this process (so the events of one commit, and of one process, are
    /// claimed in the order they were published) and close to the clock's ticks, so events of different processes
    /// interleave by commit time only as far as their clocks agree. Consumers order by the versions events carry,
    /// not by arrival.
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
}
