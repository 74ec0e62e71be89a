using SmartPole.Domain.Alarms;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Lighting;

namespace SmartPole.Domain.Poles;

/// <summary>What a twin needs to know about its city and pole; every member has a default.</summary>
public sealed record PoleTwinSettings
{
    /// <summary>Defaults: UTC, default thresholds, no registry entry, no lighting calendar, 10 s interval.</summary>
    public static PoleTwinSettings Default { get; } = new();

    /// <summary>The city's alarm limits and timings. Default <see cref="CityThresholds.Default"/>.</summary>
    public CityThresholds Thresholds { get; init; } = CityThresholds.Default;

    /// <summary>The city's time zone (lighting, noise night, energy days). Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>The pole as registered (coordinates, devices and rated power), or null when unknown. Default null.</summary>
    public PoleInfo? Pole { get; init; }

    /// <summary>The city's lighting calendar, or null for no lighting schedule (no day-burner rule, no config). Default null.</summary>
    public LightingCalendar? Lighting { get; init; }

    /// <summary>The reporting interval the pole is told to use. Default 10 s.</summary>
    public TimeSpan ReportingInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many cleared alarms, closed incidents and finished commands are kept. Default 16.</summary>
    public int HistoryLength { get; init; } = 16;

    /// <summary>How many local days of energy are kept per meter. Default 7.</summary>
    public int EnergyDays { get; init; } = 7;
}
