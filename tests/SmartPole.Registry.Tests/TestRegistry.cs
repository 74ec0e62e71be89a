using System.Text;
using SmartPole.Registry.Import;
using SmartPole.Testing;

namespace SmartPole.Registry.Tests;

/// <summary>A registry in a fresh temp folder with cheap hashing, and a city to import into.</summary>
internal sealed class TestRegistry : IAsyncDisposable
{
    public const string City = "nanshan";

    public static readonly CityBounds Bounds = new(22.4, 113.7, 22.9, 114.6);

    private readonly TempDirectory _folder;

    private TestRegistry(TempDirectory folder, RegistryStore store, ManualTimeProvider time)
    {
        _folder = folder;
        Store = store;
        Time = time;
    }

    public RegistryStore Store { get; }

    public ManualTimeProvider Time { get; }

    public string Folder => _folder.Path;

    public static async Task<TestRegistry> CreateAsync(long maxImportBytes = 100L * 1024 * 1024, bool withCity = true)
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var folder = new TempDirectory("smartpole-registry");
        var options = new RegistryOptions { HashIterations = 10, CredentialHashIterations = 10, MaxImportBytes = maxImportBytes };
        var store = await RegistryStore.OpenSqliteAsync(folder.Path, options, time);
        var registry = new TestRegistry(folder, store, time);
        if (withCity)
        {
            await store.CreateCityAsync(new CityRecord(City, "南山", "Nanshan", "Asia/Shanghai", Bounds, CitySettings.Default), "test");
        }

        return registry;
    }

    /// <summary>A registry whose city holds the poles of <paramref name="content"/>.</summary>
    public static async Task<TestRegistry> WithPolesAsync(string content, ImportFormat format)
    {
        var registry = await CreateAsync();
        await registry.Store.ImportAsync(City, Utf8(content), format, "test");
        return registry;
    }

    public static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _folder.Dispose();
    }
}
