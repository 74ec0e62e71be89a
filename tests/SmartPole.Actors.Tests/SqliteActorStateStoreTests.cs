using Microsoft.Data.Sqlite;
using SmartPole.Testing;

namespace SmartPole.Actors.Tests;

public sealed class SqliteActorStateStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new("actor-sqlite");

    private string DatabasePath => Path.Combine(_directory.Path, "data", "actors.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Read_returns_null_for_state_never_written()
    {
        await using var store = new SqliteActorStateStore(DatabasePath);

        var state = await store.ReadAsync("pole", "shenzhen/pole-1", CancellationToken.None);

        Assert.Null(state);
    }

    [Fact]
    public async Task A_write_replaces_the_state_and_survives_reopening_the_database()
    {
        await using (var store = new SqliteActorStateStore(DatabasePath))
        {
            await store.WriteAsync("pole", "shenzhen/pole-1", new byte[] { 1, 2, 3 }, CancellationToken.None);
            await store.WriteAsync("pole", "shenzhen/pole-1", new byte[] { 9 }, CancellationToken.None);
        }

        await using var reopened = new SqliteActorStateStore(DatabasePath);
        var state = await reopened.ReadAsync("pole", "shenzhen/pole-1", CancellationToken.None);

        Assert.Equal(new byte[] { 9 }, state);
    }

    [Fact]
    public async Task Types_and_keys_stay_apart()
    {
        await using var store = new SqliteActorStateStore(DatabasePath);
        string[] keys = ["a/b", "A/b", "", "杆-7", "../x"];

        for (var i = 0; i < keys.Length; i++)
        {
            await store.WriteAsync("pole", keys[i], new[] { (byte)i }, CancellationToken.None);
        }

        await store.WriteAsync("gateway", "a/b", new byte[] { 42 }, CancellationToken.None);
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(new[] { (byte)i }, await store.ReadAsync("pole", keys[i], CancellationToken.None));
        }

        Assert.Equal(new byte[] { 42 }, await store.ReadAsync("gateway", "a/b", CancellationToken.None));
    }

    [Fact]
    public async Task Clear_forgets_the_state_and_clearing_nothing_is_no_error()
    {
        await using var store = new SqliteActorStateStore(DatabasePath);
        await store.WriteAsync("pole", "p", new byte[] { 1 }, CancellationToken.None);

        await store.ClearAsync("pole", "p", CancellationToken.None);
        await store.ClearAsync("pole", "never", CancellationToken.None);

        Assert.Null(await store.ReadAsync("pole", "p", CancellationToken.None));
    }

    [Fact]
    public async Task Many_concurrent_writes_commit_in_far_fewer_transactions_and_all_land()
    {
        await using var store = new SqliteActorStateStore(DatabasePath);
        const int count = 2000;

        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            store.WriteAsync("pole", "p-" + i, BitConverter.GetBytes(i), CancellationToken.None).AsTask()));

        Assert.True(store.Commits < count / 4, $"{store.Commits} transactions for {count} writes");
        for (var i = 0; i < count; i += 97)
        {
            Assert.Equal(BitConverter.GetBytes(i), await store.ReadAsync("pole", "p-" + i, CancellationToken.None));
        }
    }

    [Fact]
    public async Task The_database_runs_in_wal_mode_with_one_table()
    {
        await using (new SqliteActorStateStore(DatabasePath))
        {
        }

        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode;";
        var journal = (string?)await mode.ExecuteScalarAsync();
        await using var tables = connection.CreateCommand();
        tables.CommandText = "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table';";
        var names = (string?)await tables.ExecuteScalarAsync();

        Assert.Equal("wal", journal);
        Assert.Equal("actor_state", names);
    }

    [Fact]
    public async Task Dispose_commits_writes_still_queued()
    {
        var store = new SqliteActorStateStore(DatabasePath);
        var writes = Enumerable.Range(0, 500)
            .Select(i => store.WriteAsync("pole", "p-" + i, new byte[] { 7 }, CancellationToken.None).AsTask())
            .ToArray();

        await store.DisposeAsync();

        await Task.WhenAll(writes);
        await using var reopened = new SqliteActorStateStore(DatabasePath);
        Assert.Equal(new byte[] { 7 }, await reopened.ReadAsync("pole", "p-499", CancellationToken.None));
    }
}
