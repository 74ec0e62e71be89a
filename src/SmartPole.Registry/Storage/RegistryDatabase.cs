using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SmartPole.Registry.Storage;

/// <summary>
/// The database under the registry: SQLite (one file, the default) or PostgreSQL. The SQL is
/// shared; only the few places where the two differ ask this class.
/// </summary>
internal abstract class RegistryDatabase : IAsyncDisposable
{
    /// <summary>Column type of an auto-numbered 64-bit key.</summary>
    public abstract string IdentityColumn { get; }

    /// <summary>"SQLite" or "PostgreSQL", for messages.</summary>
    public abstract string Name { get; }

    public abstract DbConnection CreateConnection();

    public abstract ValueTask DisposeAsync();

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            await OnOpenedAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected virtual Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public sealed class Sqlite(string path) : RegistryDatabase
    {
        private readonly string _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        public override string IdentityColumn => "INTEGER PRIMARY KEY AUTOINCREMENT";

        public override string Name => "SQLite";

        public override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

        public override ValueTask DisposeAsync()
        {
            // Pooled handles keep the file open (and a temp directory undeletable) until cleared.
            using var connection = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(connection);
            return ValueTask.CompletedTask;
        }

        protected override async Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public sealed class Postgres(string connectionString) : RegistryDatabase
    {
        private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

        public override string IdentityColumn => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

        public override string Name => "PostgreSQL";

        public override DbConnection CreateConnection() => _source.CreateConnection();

        public override ValueTask DisposeAsync() => _source.DisposeAsync();
    }
}
