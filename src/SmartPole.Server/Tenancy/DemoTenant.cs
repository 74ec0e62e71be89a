using System.Text.Json;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Registry;
using SmartPole.Registry.Import;
using SmartPole.Simulation;

namespace SmartPole.Server.Tenancy;

/// <summary>
/// The demo city in secured mode (<c>Demo:Enabled</c> with <c>Mqtt:AllowAnonymous=false</c>): it is
/// put in the registry like any partner city (created once, its poles imported, which is a no-op
/// when unchanged) and its simulated poles get fresh credentials at every start (a secret is shown
/// once, so the ones of the last run cannot be read back). In open mode the demo needs none.
/// </summary>
internal sealed partial class DemoTenant(TenancyMode mode, RegistryHost registry, ILogger<DemoTenant> logger)
{
    private const string Actor = "demo";

    /// <summary>The credentials of the demo city's poles by pole id; empty in open mode.</summary>
    public async Task<IReadOnlyDictionary<string, FleetCredential>> CredentialsAsync(CityInfo city, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(city);
        if (mode.AnonymousMqtt)
        {
            return new Dictionary<string, FleetCredential>();
        }

        var store = await registry.StoreAsync;
        if (await store.FindCityAsync(city.Id, cancellationToken) is null)
        {
            await store.CreateCityAsync(new CityRecord(city.Id, city.NameZh, city.NameEn, city.TimeZone, BoundsOf(city), CitySettings.Default), Actor, cancellationToken);
        }

        using (var poles = new MemoryStream(PolesJson(city)))
        {
            await store.ImportAsync(city.Id, poles, ImportFormat.Json, Actor, cancellationToken);
        }

        await registry.SyncAsync(city.Id, cancellationToken);
        var issued = await store.IssuePoleCredentialsAsync(city.Id, null, rotate: true, Actor, cancellationToken);
        LogSecuredDemo(city.Id, issued.Count);
        return issued.ToDictionary(c => c.Subject, c => new FleetCredential(c.Username, c.Password), StringComparer.Ordinal);
    }

    // The poles' extent with a margin, so the registry's bounds check holds for every one of them.
    private static CityBounds BoundsOf(CityInfo city)
    {
        const double Margin = 0.05;
        return new CityBounds(
            city.Poles.Min(p => p.Latitude) - Margin,
            city.Poles.Min(p => p.Longitude) - Margin,
            city.Poles.Max(p => p.Latitude) + Margin,
            city.Poles.Max(p => p.Longitude) + Margin);
    }

    private static byte[] PolesJson(CityInfo city) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        poles = city.Poles.Select(p => new
        {
            id = p.Id,
            name = p.Name,
            lat = p.Latitude,
            lon = p.Longitude,
            district = p.District,
            devices = p.Devices.Select(d => new { id = d.Id, kind = MetricCatalog.WireName(d.Kind), ratedPowerW = d.RatedPowerW }),
        }),
    });

    [LoggerMessage(Level = LogLevel.Warning, Message = "DEMO MODE, secured: demo city {City} is in the registry and its {Poles} simulated poles log in with fresh credentials")]
    private partial void LogSecuredDemo(string city, int poles);
}
