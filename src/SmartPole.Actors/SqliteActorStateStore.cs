using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace SmartPole.Actors;

/// <summary>
/// Keeps actor state in one SQLite table, <c>actor_state(actor_type, key, state)</c>, in WAL mode.
/// Writes are group-committed: whatever callers queue while one transaction commits goes into the
/// next, so thousands of actors saving at once cost a few transactions, not thousands. A write
/// completes once its transaction has committed. Reads see queued writes that have not committed
/// yet (an actor that saves and reactivates at once reads its newest bytes).
/// <c>synchronous=NORMAL</c>: a committed write survives the process being killed; a power cut may
/// lose the last commits before a WAL checkpoint.
/// </summary>
public sealed class SqliteActorStateStore : IActorStateStore, IAsyncDisposable
{
    /// <summary>Writes one transaction carries at most, so a flood of saves still commits in steps.</summary>
    private const int MaxBatch = 1024;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly ConcurrentQueue<PendingWrite> _queue = new();

    // The newest queued write per (type, key), for reads that come before the commit.
    private readonly ConcurrentDictionary<(string Type, string Key), PendingWrite> _latest = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writerLoop;
    private long _commits;
    private int _disposed;

    /// <summary>Opens (creating if missing) the database file <paramref name="path"/> and its table.</summary>
    public SqliteActorStateStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Pooling = true }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, "PRAGMA journal_mode=WAL;");
        Execute(_writer, "PRAGMA synchronous=NORMAL;");
        Execute(_writer, """
            CREATE TABLE IF NOT EXISTS actor_state (
                actor_type TEXT NOT NULL,
                key        TEXT NOT NULL,
                state      BLOB NOT NULL,
                PRIMARY KEY (actor_type, key)
            ) WITHOUT ROWID;
            """);
        _writerLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Transactions committed since the store opened (each carries one or more writes).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <inheritdoc />
    public async ValueTask<byte[]?> ReadAsync(string actorType, string key, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorType);
        ArgumentNullException.ThrowIfNull(key);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_latest.TryGetValue((actorType, key), out var pending))
        {
            return pending.State?.ToArray();
        }

        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "SELECT state FROM actor_state WHERE actor_type = $type AND key = $key;";
                command.Parameters.AddWithValue("$type", actorType);
                command.Parameters.AddWithValue("$key", key);
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as byte[];
            }
        }
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(string actorType, string key, ReadOnlyMemory<byte> state, CancellationToken ct) =>
        Enqueue(actorType, key, state.ToArray(), ct);

    /// <inheritdoc />
    public ValueTask ClearAsync(string actorType, string key, CancellationToken ct) => Enqueue(actorType, key, null, ct);

    /// <summary>Commits what is queued, then closes the database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _writerLoop.ConfigureAwait(false);

        // A write that raced past the disposed check after the loop's last look must not wait forever.
        while (_queue.TryDequeue(out var late))
        {
            late.TrySetException(new ObjectDisposedException(nameof(SqliteActorStateStore)));
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        _stop.Dispose();
        _signal.Dispose();
    }

    private ValueTask Enqueue(string actorType, string key, byte[]? state, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorType);
        ArgumentNullException.ThrowIfNull(key);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ct.ThrowIfCancellationRequested();
        var write = new PendingWrite(actorType, key, state);
        _latest[(actorType, key)] = write;
        _queue.Enqueue(write);
        _signal.Release();
        return new ValueTask(write.Task);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (true)
        {
            try
            {
                await _signal.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: what is still queued is committed below before the loop ends.
            }

            while (true)
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var write))
                {
                    batch.Add(write);
                }

                if (batch.Count == 0)
                {
                    break;
                }

                Commit(batch);
            }

            if (_stop.IsCancellationRequested && _queue.IsEmpty)
            {
                return;
            }
        }
    }

    private void Commit(List<PendingWrite> batch)
    {
        try
        {
            using var transaction = _writer.BeginTransaction();
            using var upsert = _writer.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO actor_state (actor_type, key, state) VALUES ($type, $key, $state)
                ON CONFLICT (actor_type, key) DO UPDATE SET state = excluded.state;
                """;
            var upsertType = upsert.Parameters.Add("$type", SqliteType.Text);
            var upsertKey = upsert.Parameters.Add("$key", SqliteType.Text);
            var upsertState = upsert.Parameters.Add("$state", SqliteType.Blob);
            using var delete = _writer.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM actor_state WHERE actor_type = $type AND key = $key;";
            var deleteType = delete.Parameters.Add("$type", SqliteType.Text);
            var deleteKey = delete.Parameters.Add("$key", SqliteType.Text);
            foreach (var write in batch)
            {
                if (write.State is { } state)
                {
                    upsertType.Value = write.ActorType;
                    upsertKey.Value = write.Key;
                    upsertState.Value = state;
                    upsert.ExecuteNonQuery();
                }
                else
                {
                    deleteType.Value = write.ActorType;
                    deleteKey.Value = write.Key;
                    delete.ExecuteNonQuery();
                }
            }

            transaction.Commit();
            Interlocked.Increment(ref _commits);
            foreach (var write in batch)
            {
                Forget(write);
                write.TrySetResult();
            }
        }
        catch (SqliteException e)
        {
            foreach (var write in batch)
            {
                Forget(write);
                write.TrySetException(e);
            }
        }
    }

    // Only the newest write of a key may leave the read-through map: an older one committing must not hide it.
    private void Forget(PendingWrite write) =>
        _latest.TryRemove(new KeyValuePair<(string, string), PendingWrite>((write.ActorType, write.Key), write));

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class PendingWrite(string actorType, string key, byte[]? state)
        : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public string ActorType { get; } = actorType;

        public string Key { get; } = key;

        /// <summary>The bytes to store, or null to delete.</summary>
        public byte[]? State { get; } = state;
    }
}
