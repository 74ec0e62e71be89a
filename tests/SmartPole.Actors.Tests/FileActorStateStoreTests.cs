using SmartPole.Testing;

namespace SmartPole.Actors.Tests;

public sealed class FileActorStateStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new("actor-state");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Read_returns_null_for_state_never_written()
    {
        var store = new FileActorStateStore(_directory.Path);

        var state = await store.ReadAsync("PoleActor", "shenzhen/pole-1", CancellationToken.None);

        Assert.Null(state);
    }

    [Fact]
    public async Task Write_replaces_the_state_and_leaves_no_temporary_files()
    {
        var store = new FileActorStateStore(_directory.Path);

        await store.WriteAsync("PoleActor", "pole-1", new byte[] { 1, 2, 3 }, CancellationToken.None);
        await store.WriteAsync("PoleActor", "pole-1", new byte[] { 9 }, CancellationToken.None);
        var state = await store.ReadAsync("PoleActor", "pole-1", CancellationToken.None);

        Assert.Equal(new byte[] { 9 }, state);
        Assert.Single(Directory.EnumerateFiles(_directory.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Keys_that_look_like_paths_or_differ_only_in_case_stay_apart_and_inside_the_directory()
    {
        var store = new FileActorStateStore(Path.Combine(_directory.Path, "store"));
        string[] keys = ["../escape", "a/b", "a~2Fb", "Pole-1", "pole-1", "", "杆-7"];

        for (var i = 0; i < keys.Length; i++)
        {
            await store.WriteAsync("PoleActor", keys[i], new[] { (byte)i }, CancellationToken.None);
        }

        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(new[] { (byte)i }, await store.ReadAsync("PoleActor", keys[i], CancellationToken.None));
        }

        Assert.Empty(Directory.EnumerateFiles(_directory.Path, "*", SearchOption.TopDirectoryOnly));
        Assert.Equal(keys.Length, Directory.EnumerateFiles(Path.Combine(_directory.Path, "store"), "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task A_very_long_key_is_stored_under_a_hashed_name()
    {
        var store = new FileActorStateStore(_directory.Path);
        var key = new string('k', 1000);

        await store.WriteAsync("PoleActor", key, new byte[] { 7 }, CancellationToken.None);

        Assert.Equal(new byte[] { 7 }, await store.ReadAsync("PoleActor", key, CancellationToken.None));
        Assert.Null(await store.ReadAsync("PoleActor", key + "k", CancellationToken.None));
    }

    [Fact]
    public async Task Clear_forgets_the_state_and_tolerates_missing_state()
    {
        var store = new FileActorStateStore(_directory.Path);
        await store.WriteAsync("PoleActor", "pole-1", new byte[] { 1 }, CancellationToken.None);

        await store.ClearAsync("PoleActor", "pole-1", CancellationToken.None);
        await store.ClearAsync("PoleActor", "pole-2", CancellationToken.None);

        Assert.Null(await store.ReadAsync("PoleActor", "pole-1", CancellationToken.None));
    }
}
