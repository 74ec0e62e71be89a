namespace SmartPole.Domain.Alarms;

/// <summary>The alarm types the twin raises, their default severities and the events that map onto them.</summary>
public static class AlarmTypes
{
    /// <summary>The device id used for alarms about the pole as a whole (offline).</summary>
    public const string PoleDevice = "pole";

    /// <summary>Lamp switched on but drawing almost no power.</summary>
    public const string LampFailure = "lampFailure";

    /// <summary>Lamp burning while the schedule says daylight.</summary>
    public const string DayBurner = "dayBurner";

    /// <summary>Pole leaning more than the city's limit.</summary>
    public const string Tilt = "tilt";

    /// <summary>Cabinet door open outside a maintenance window.</summary>
    public const string DoorOpen = "doorOpen";

    /// <summary>Cabinet too hot.</summary>
    public const string CabinetOverheat = "cabinetOverheat";

    /// <summary>Water in the cabinet.</summary>
    public const string WaterLeak = "waterLeak";

    /// <summary>PM2.5 above the city's limit.</summary>
    public const string AirQuality = "pm25High";

    /// <summary>Noise above the zone limit (day or night).</summary>
    public const string Noise = "noiseHigh";

    /// <summary>5G small cell not on air.</summary>
    public const string SmallCellOffAir = "smallCellOffAir";

    /// <summary>Camera reports itself offline.</summary>
    public const string CameraOffline = "cameraOffline";

    /// <summary>Camera storage nearly full.</summary>
    public const string StorageFull = "storageFull";

    /// <summary>Emergency button pressed.</summary>
    public const string Sos = "sos";

    /// <summary>Something hit the pole.</summary>
    public const string Impact = "impact";

    /// <summary>Camera covered, turned or tampered with.</summary>
    public const string CameraTamper = "cameraTamper";

    /// <summary>Pole silent or its gateway's will announced it offline.</summary>
    public const string PoleOffline = "poleOffline";

    /// <summary>The default severity of <paramref name="type"/>.</summary>
    public static AlarmSeverity DefaultSeverity(string type) => type switch
    {
        Sos => AlarmSeverity.Critical,
        LampFailure or Tilt or DoorOpen or CabinetOverheat or WaterLeak or SmallCellOffAir or CameraOffline or Impact or CameraTamper or PoleOffline
            => AlarmSeverity.Major,
        DayBurner or AirQuality or Noise or StorageFull => AlarmSeverity.Minor,
        _ => AlarmSeverity.Info,
    };

    /// <summary>
    /// The alarm type an <c>events</c>-topic type raises (lampFailure, doorOpened, tilt, sosPressed,
    /// impact, waterLeak, cameraTamper), or null for an unknown event type.
    /// </summary>
    public static string? ForEvent(string eventType) => eventType switch
    {
        "lampFailure" => LampFailure,
        "doorOpened" => DoorOpen,
        "tilt" => Tilt,
        "sosPressed" => Sos,
        "impact" => Impact,
        "waterLeak" => WaterLeak,
        "cameraTamper" => CameraTamper,
        _ => null,
    };

    /// <summary>
    /// True for alarm types no telemetry can clear (the event was a moment, not a state): an
    /// operator clears them.
    /// </summary>
    public static bool ClearedByOperatorOnly(string type) => type is Sos or Impact or CameraTamper;
}
