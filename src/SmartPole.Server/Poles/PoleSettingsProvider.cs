using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SmartPole.Domain.Alarms;
using SmartPole.Domain.Lighting;
using SmartPole.Domain.Poles;

namespace SmartPole.Server.Poles;

/// <summary>
/// The twin settings of a pole: the city's time zone and the pole's coordinates and devices (rated
/// power) from the live city registry; the city's thresholds, reporting interval and lighting
/// calendar from the tenants' registry when the city is one of its tenants (<see cref="UseCitySettings"/>),
/// else from configuration (<see cref="CityPoleOptions"/>, section <c>Cities:{cityId}</c>), else the defaults.
/// A change bumps <see cref="Generation"/>, which each pole actor compares at its next turn, so live
/// poles follow a new threshold without a restart.
/// </summary>
internal sealed class PoleSettingsProvider
{
    private static readonly CityPoleOptions Defaults = new();

    private readonly CityRegistry _registry;
    private readonly IOptionsMonitor<Dictionary<string, CityPoleOptions>> _configured;
    private readonly ConcurrentDictionary<string, CityPoleSettings> _tenants = new(StringComparer.Ordinal);
    private long _generation;

    public PoleSettingsProvider(CityRegistry registry, IOptionsMonitor<Dictionary<string, CityPoleOptions>> configured)
    {
        _registry = registry;
        _configured = configured;

        // A configuration reload changes the settings of the cities it names: the poles must hear of it too.
        configured.OnChange(_ => Interlocked.Increment(ref _generation));
    }

    /// <summary>Increases whenever any city's settings change; a pole whose copy is older asks <see cref="For"/> again.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Sets the registry's settings of <paramref name="city"/> (which win over its configuration section from now on) after the city was (re)loaded.</summary>
    public void UseCitySettings(string city, CityThresholds thresholds, LightingCalendar lighting, TimeSpan reportingInterval)
    {
        // Bumped even when equal: the caller also reloaded the city's poles (coordinates, rated power).
        _tenants[city] = new CityPoleSettings(thresholds, lighting, reportingInterval);
        Interlocked.Increment(ref _generation);
    }

    public PoleTwinSettings For(string city, string pole)
    {
        var entry = _registry.Find(city);
        var info = _registry.Find(city, pole);
        var (thresholds, lighting, interval) = _tenants.TryGetValue(city, out var tenant)
            ? tenant
            : FromConfiguration(_configured.CurrentValue.GetValueOrDefault(city) ?? Defaults);
        return new PoleTwinSettings
        {
            TimeZone = TimeZoneOf(entry?.TimeZone),
            Pole = info is not null && double.IsFinite(info.Latitude) ? info : null,
            Thresholds = thresholds,
            ReportingInterval = interval,
            Lighting = lighting,
        };
    }

    private static CityPoleSettings FromConfiguration(CityPoleOptions options) =>
        new(options.Thresholds, options.Lighting == "duskToDawn" ? LightingCalendar.Default : null, options.ReportingInterval);

    private static TimeZoneInfo TimeZoneOf(string? id)
    {
        if (id is null)
        {
            return TimeZoneInfo.Utc;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    private sealed record CityPoleSettings(CityThresholds Thresholds, LightingCalendar? Lighting, TimeSpan ReportingInterval);
}
