using Microsoft.Extensions.Options;
using SmartPole.Domain.Lighting;
using SmartPole.Domain.Poles;

namespace SmartPole.Server.Poles;

/// <summary>
/// The twin settings of a pole: the city's time zone and the pole's coordinates and devices (rated
/// power) from the registry; the city's thresholds, reporting interval and lighting calendar from
/// configuration (<see cref="CityPoleOptions"/>, section <c>Cities:{cityId}</c>).
/// </summary>
internal sealed class PoleSettingsProvider(CityRegistry registry, IOptionsMonitor<Dictionary<string, CityPoleOptions>> cities)
{
    private static readonly CityPoleOptions Defaults = new();

    public PoleTwinSettings For(string city, string pole)
    {
        var entry = registry.Find(city);
        var info = registry.Find(city, pole);
        var options = cities.CurrentValue.GetValueOrDefault(city) ?? Defaults;
        return new PoleTwinSettings
        {
            TimeZone = TimeZoneOf(entry?.TimeZone),
            Pole = info is not null && double.IsFinite(info.Latitude) ? info : null,
            Thresholds = options.Thresholds,
            ReportingInterval = options.ReportingInterval,
            Lighting = options.Lighting == "duskToDawn" ? LightingCalendar.Default : null,
        };
    }

    private static TimeZoneInfo TimeZoneOf(string? id)
    {
        if (id is null)
        {
            return TimeZoneInfo.Utc;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }
}
