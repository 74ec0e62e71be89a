namespace SmartPole.Domain.Alarms;

/// <summary>
/// What rules may know besides the device's own values: the time, the city's limits and the pole's
/// setting. A struct passed by reference that asks the pole through an interface, so evaluating a
/// frame's rules allocates nothing (a class holding two delegates cost three objects per frame).
/// </summary>
internal readonly struct RuleContext
{
    /// <summary>The instant evaluated (the frame's timestamp, or the timer's now).</summary>
    public required DateTimeOffset At { get; init; }

    public required CityThresholds Thresholds { get; init; }

    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>True when a maintenance window covers <see cref="At"/>.</summary>
    public bool InMaintenance { get; init; }

    /// <summary>The pole being judged: its registry data and lighting schedule.</summary>
    public required IRuleSubject Pole { get; init; }

    public TimeOnly LocalTime => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(At, TimeZone).DateTime);

    /// <summary>Rated power of a device by id; 0 when unknown.</summary>
    public double RatedPowerW(string deviceId) => Pole.RatedPowerW(deviceId);

    /// <summary>The scheduled dim level at an instant (0 = off), or null when the pole has no lighting program.</summary>
    public double? ScheduledDimAt(DateTimeOffset at) => Pole.ScheduledDimAt(at);
}
