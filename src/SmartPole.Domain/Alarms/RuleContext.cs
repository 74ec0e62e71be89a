namespace SmartPole.Domain.Alarms;

/// <summary>What rules may know besides the device's own values: the time, the city's limits and the pole's setting.</summary>
internal sealed class RuleContext
{
    /// <summary>The instant evaluated (the frame's timestamp, or the timer's now).</summary>
    public required DateTimeOffset At { get; init; }

    public required CityThresholds Thresholds { get; init; }

    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>True when a maintenance window covers <see cref="At"/>.</summary>
    public bool InMaintenance { get; init; }

    /// <summary>Rated power of a device by id; 0 when unknown.</summary>
    public Func<string, double> RatedPowerW { get; init; } = _ => 0;

    /// <summary>The scheduled dim level at an instant (0 = off), or null when the pole has no lighting program.</summary>
    public Func<DateTimeOffset, double?> ScheduledDimAt { get; init; } = _ => null;

    public TimeOnly LocalTime => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(At, TimeZone).DateTime);
}
