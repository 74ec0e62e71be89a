using SmartPole.Domain.Alarms;
using SmartPole.Domain.Lighting;

namespace SmartPole.Registry;

/// <summary>A city's defaults for its poles and its dashboard: what a city created from a template copies.</summary>
public sealed record CitySettings
{
    /// <summary>The platform's defaults: dusk-to-dawn lighting, default thresholds, 10 s reporting, no dashboard settings.</summary>
    public static CitySettings Default { get; } = new();

    /// <summary>The lighting calendar (programs, rules, default program). Default <see cref="LightingCalendar.Default"/>.</summary>
    public LightingCalendar Lighting { get; init; } = LightingCalendar.Default;

    /// <summary>Alarm limits and timings. Default <see cref="CityThresholds.Default"/>.</summary>
    public CityThresholds Thresholds { get; init; } = CityThresholds.Default;

    /// <summary>The reporting interval poles are told to use, in seconds. Default 10.</summary>
    public int ReportingIntervalS { get; init; } = 10;

    /// <summary>Dashboard settings as name/value pairs (map zoom, layers shown, …). Default empty.</summary>
    public IReadOnlyDictionary<string, string> Dashboard { get; init; } = new Dictionary<string, string>();
}
