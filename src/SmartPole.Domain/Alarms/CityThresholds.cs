namespace SmartPole.Domain.Alarms;

/// <summary>A city's alarm limits and timing; every member has the default the platform ships with.</summary>
public sealed record CityThresholds
{
    /// <summary>The shipped defaults.</summary>
    public static CityThresholds Default { get; } = new();

    /// <summary>A lamp that is on but draws less than this share of its rated power has failed. Default 0.05 (5 %).</summary>
    public double LampFailureFraction { get; init; } = 0.05;

    /// <summary>Rated lamp power when the registry does not know it. Default 100 W.</summary>
    public double DefaultLampRatedW { get; init; } = 100;

    /// <summary>How long the schedule must have said "off" before a burning lamp is a day-burner. Default 10 min.</summary>
    public TimeSpan DayBurnerGrace { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Tilt beyond which a pole is leaning. Default 3°.</summary>
    public double TiltDeg { get; init; } = 3;

    /// <summary>Cabinet temperature limit. Default 60 °C.</summary>
    public double CabinetTempC { get; init; } = 60;

    /// <summary>PM2.5 limit (China's 24 h grade II standard). Default 75 µg/m³.</summary>
    public double Pm25 { get; init; } = 75;

    /// <summary>Daytime noise limit of the poles' zone (GB 3096 class 4a roadside: 70 dB(A)). Default 70.</summary>
    public double NoiseDayDb { get; init; } = 70;

    /// <summary>Night-time noise limit of the zone (class 4a: 55 dB(A)). Default 55.</summary>
    public double NoiseNightDb { get; init; } = 55;

    /// <summary>Local time night starts for the noise limit. Default 22:00.</summary>
    public TimeOnly NightStarts { get; init; } = new(22, 0);

    /// <summary>Local time night ends for the noise limit. Default 06:00.</summary>
    public TimeOnly NightEnds { get; init; } = new(6, 0);

    /// <summary>Camera storage limit. Default 90 %.</summary>
    public double StoragePct { get; init; } = 90;

    /// <summary>How many reporting intervals of silence make a pole offline. Default 3.</summary>
    public int OfflineAfterIntervals { get; init; } = 3;

    /// <summary>The least silence that makes a pole offline, whatever its interval. Default 60 s.</summary>
    public TimeSpan MinOfflineAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Alarms on one pole raised within this span of an incident's first alarm join that incident. Default 60 s.</summary>
    public TimeSpan IncidentWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a sent command may wait for its ack. Default 30 s.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The silence after which a pole reporting every <paramref name="interval"/> is offline: max(n × interval, minimum).</summary>
    public TimeSpan OfflineAfter(TimeSpan interval)
    {
        var scaled = interval * OfflineAfterIntervals;
        return scaled > MinOfflineAfter ? scaled : MinOfflineAfter;
    }

    /// <summary>The noise limit at local time <paramref name="local"/>.</summary>
    public double NoiseLimitAt(TimeOnly local) => local.IsBetween(NightStarts, NightEnds) ? NoiseNightDb : NoiseDayDb;
}
