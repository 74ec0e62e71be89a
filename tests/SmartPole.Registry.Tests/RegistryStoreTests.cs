using SmartPole.Domain.Alarms;
using SmartPole.Domain.Lighting;

namespace SmartPole.Registry.Tests;

public sealed class RegistryStoreTests
{
    [Fact]
    public async Task Migrations_run_once_and_reopening_the_file_applies_nothing()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var again = await registry.Store.MigrateAsync();
        await using var reopened = await RegistryStore.OpenSqliteAsync(registry.Folder, new RegistryOptions(), registry.Time);
        var third = await reopened.MigrateAsync();

        Assert.Equal(0, again);
        Assert.Equal(0, third);
        Assert.NotNull(await reopened.FindCityAsync(TestRegistry.City));
    }

    [Fact]
    public async Task A_city_keeps_its_names_bounds_and_settings()
    {
        await using var registry = await TestRegistry.CreateAsync(withCity: false);
        var settings = new CitySettings
        {
            Thresholds = new CityThresholds { Pm25 = 50, TiltDeg = 4 },
            ReportingIntervalS = 30,
            Dashboard = new Dictionary<string, string> { ["mapZoom"] = "13" },
        };

        await registry.Store.CreateCityAsync(new CityRecord("futian", "福田", "Futian", "Asia/Shanghai", TestRegistry.Bounds, settings), "test");
        var city = await registry.Store.FindCityAsync("futian");

        Assert.NotNull(city);
        Assert.Equal("福田", city.NameZh);
        Assert.Equal(TestRegistry.Bounds, city.Bounds);
        Assert.Equal(50, city.Settings.Thresholds.Pm25);
        Assert.Equal(4, city.Settings.Thresholds.TiltDeg);
        Assert.Equal(30, city.Settings.ReportingIntervalS);
        Assert.Equal("13", city.Settings.Dashboard["mapZoom"]);
        Assert.Equal(LightingProgram.DuskToDawn.Steps, city.Settings.Lighting.Programs.Single().Steps);
    }

    [Theory]
    [InlineData("Bad-Id", "Asia/Shanghai", "must match")]
    [InlineData("provision", "Asia/Shanghai", "must match")]
    [InlineData("ok", "Mars/Olympus", "Unknown time zone")]
    public async Task An_invalid_city_is_refused_with_the_reason(string id, string timeZone, string expected)
    {
        await using var registry = await TestRegistry.CreateAsync(withCity: false);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            registry.Store.CreateCityAsync(new CityRecord(id, "城", "City", timeZone, TestRegistry.Bounds, CitySettings.Default), "test"));

        Assert.Equal(RegistryErrorKind.Invalid, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(await registry.Store.ListCitiesAsync());
    }

    [Fact]
    public async Task A_city_id_cannot_be_taken_twice()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            registry.Store.CreateCityAsync(new CityRecord(TestRegistry.City, "重复", "Again", "UTC", TestRegistry.Bounds, CitySettings.Default), "test"));

        Assert.Equal(RegistryErrorKind.Conflict, error.Kind);
        Assert.Equal("南山", (await registry.Store.FindCityAsync(TestRegistry.City))!.NameZh);
    }

    [Fact]
    public async Task Creating_a_city_is_audited()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var audit = await registry.Store.ReadAuditAsync(TestRegistry.City);

        var entry = Assert.Single(audit);
        Assert.Equal("city.create", entry.Action);
        Assert.Equal("test", entry.Actor);
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Equal(registry.Time.GetUtcNow(), entry.At);
    }
}
