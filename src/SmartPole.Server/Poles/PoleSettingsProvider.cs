using SmartPole.Domain.Poles;

namespace SmartPole.Server.Poles;

/// <summary>
/// The twin settings of a pole from what the registry knows: the city's time zone and the pole's
/// coordinates and devices (rated power). City thresholds and calendars come with tenancy.
/// </summary>
internal sealed class PoleSettingsProvider(CityRegistry registry)
{
    public PoleTwinSettings For(string city, string pole)
    {
        var entry = registry.Find(city);
        var info = registry.Find(city, pole);
        return new PoleTwinSettings
        {
            TimeZone = TimeZoneOf(entry?.TimeZone),
            Pole = info is not null && double.IsFinite(info.Latitude) ? info : null,
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
