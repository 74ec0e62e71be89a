using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartPole.Registry.Security;
using SmartPole.Registry.Storage;

namespace SmartPole.Registry;

/// <summary>
/// The registry: cities, districts, poles and devices, MQTT credentials, operators' API keys and
/// the audit log, in SQLite (default) or PostgreSQL. Thread-safe; every method opens a pooled
/// connection. Secrets are returned once when issued and stored only as PBKDF2 hashes.
/// </summary>
public sealed partial class RegistryStore : IAsyncDisposable
{
    /// <summary>The file name of the SQLite registry under the data directory.</summary>
    public const string SqliteFileName = "registry.db";

    private readonly RegistryDatabase _database;
    private readonly RegistryOptions _options;
    private readonly TimeProvider _time;
    private readonly SecretHasher _hasher;
    private readonly SecretHasher _credentialHasher;
    private readonly ILogger _logger;

    private RegistryStore(RegistryDatabase database, RegistryOptions options, TimeProvider timeProvider, ILogger? logger)
    {
        _database = database;
        _options = options;
        _time = timeProvider;
        _hasher = new SecretHasher(options.HashIterations);
        _credentialHasher = new SecretHasher(options.CredentialHashIterations);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>"SQLite" or "PostgreSQL".</summary>
    public string Provider => _database.Name;

    /// <summary>The options the store was opened with.</summary>
    public RegistryOptions Options => _options;

    /// <summary>Opens (creating when missing) <c>registry.db</c> under <paramref name="dataDirectory"/> and brings its schema up to date.</summary>
    public static Task<RegistryStore> OpenSqliteAsync(string dataDirectory, RegistryOptions options, TimeProvider timeProvider, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(dataDirectory);
        return OpenAsync(new RegistryDatabase.Sqlite(Path.Combine(dataDirectory, SqliteFileName)), options, timeProvider, logger, cancellationToken);
    }

    /// <summary>Connects to PostgreSQL with <paramref name="connectionString"/> and brings its schema up to date.</summary>
    public static Task<RegistryStore> OpenPostgresAsync(string connectionString, RegistryOptions options, TimeProvider timeProvider, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        OpenAsync(new RegistryDatabase.Postgres(connectionString), options, timeProvider, logger, cancellationToken);

    /// <summary>Applies the schema steps not yet applied; returns how many ran (0 when up to date).</summary>
    public Task<int> MigrateAsync(CancellationToken cancellationToken = default) =>
        Migrations.ApplyAsync(_database, _time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private static async Task<RegistryStore> OpenAsync(RegistryDatabase database, RegistryOptions options, TimeProvider timeProvider, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var store = new RegistryStore(database, options, timeProvider, logger);
        try
        {
            await store.MigrateAsync(cancellationToken);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);

    private static async Task RequireCityAsync(DbConnection connection, DbTransaction? transaction, string city, CancellationToken cancellationToken)
    {
        var found = await connection.QueryAsync(transaction, "SELECT 1 FROM cities WHERE id = @id", _ => true, cancellationToken, ("@id", city));
        if (found.Count == 0)
        {
            throw new RegistryException(RegistryErrorKind.NotFound, $"No city '{city}'.");
        }
    }
}
