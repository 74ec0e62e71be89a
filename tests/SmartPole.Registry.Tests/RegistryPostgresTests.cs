using SmartPole.Registry.Export;
using SmartPole.Registry.Import;
using SmartPole.Testing;

namespace SmartPole.Registry.Tests;

/// <summary>The same registry on a real PostgreSQL 15 through Npgsql (<c>ConnectionStrings:Registry</c>).</summary>
public sealed class RegistryPostgresTests : IAsyncLifetime
{
    private const string Csv = "pole_id,name,lat,lon,district,device_id,kind,rated_power_w\r\nns-001,One,22.54,113.95,nanshan,lamp-1,lighting,120\r\nns-002,Two,22.55,113.95,nanshan,,,\r\n";

    private PostgresServer _postgres = null!;
    private RegistryStore _store = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        var options = new RegistryOptions { HashIterations = 10, CredentialHashIterations = 10 };
        _store = await RegistryStore.OpenPostgresAsync(_postgres.ConnectionString, options, new ManualTimeProvider());
        await _store.CreateCityAsync(new CityRecord(TestRegistry.City, "南山", "Nanshan", "Asia/Shanghai", TestRegistry.Bounds, CitySettings.Default), "test");
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task The_registry_works_the_same_on_postgresql()
    {
        var migratedAgain = await _store.MigrateAsync();
        var first = await _store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(Csv), ImportFormat.Csv, "test");
        var second = await _store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(Csv), ImportFormat.Csv, "test");
        var broken = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            _store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(Csv.Replace("22.55", "95", StringComparison.Ordinal)), ImportFormat.Csv, "test"));
        var credentials = await _store.IssuePoleCredentialsAsync(TestRegistry.City, null, rotate: false, "test");
        var gateway = await _store.IssueGatewayCredentialAsync(TestRegistry.City, "gw-1", ["ns-001", "ns-002"], "test");
        var key = await _store.CreateApiKeyAsync("ops", [new CityGrant(TestRegistry.City, OperatorRole.Admin)], platformAdmin: false, "test");
        var beforeRevoke = await _store.AuthenticateApiKeyAsync(key.Token);
        await _store.RevokeApiKeyAsync(key.KeyId, "test");
        using var manifest = new MemoryStream();
        await _store.WriteManifestAsync(TestRegistry.City, ManifestCredentials.None, manifest, "test");

        Assert.Equal("PostgreSQL", _store.Provider);
        Assert.Equal(0, migratedAgain);
        Assert.Equal(new ImportReport(2, 0, 0, 1), first);
        Assert.Equal(new ImportReport(0, 0, 2, 1), second);
        Assert.Equal((3, "lat"), (broken.Errors.Single().Row, broken.Errors.Single().Column));
        Assert.Equal(22.55, (await _store.ListPolesAsync(TestRegistry.City))[1].Latitude);
        Assert.Equal(["ns-001"], (await _store.AuthenticateMqttAsync(credentials[0].Username, credentials[0].Password))!.Poles);
        Assert.Equal(2, (await _store.AuthenticateMqttAsync(gateway.Username, gateway.Password))!.Poles.Count);
        Assert.NotNull(beforeRevoke);
        Assert.Null(await _store.AuthenticateApiKeyAsync(key.Token));
        Assert.Contains(await _store.ReadAuditAsync(TestRegistry.City), e => e.Action == "import");
        Assert.True(manifest.Length > 0);
    }
}
