namespace SmartPole.Server.Poles;

/// <summary>A city's fleet at a glance: what the dashboard's tiles show, pushed by the hub and served by REST.</summary>
/// <param name="City">City id.</param>
/// <param name="At">When they were computed.</param>
/// <param name="Poles">Poles the registry knows.</param>
/// <param name="Online">Poles online (status online, as the twin last said).</param>
/// <param name="LightsOn">Online poles with at least one lamp on.</param>
/// <param name="LightingPowerW">Sum of every online lamp's power (W).</param>
/// <param name="SmallCellUes">5G users on the online small cells.</param>
/// <param name="SmallCellDlMbps">Their summed downlink throughput (Mbit/s).</param>
/// <param name="Pm25">Mean PM2.5 of the online environment sensors (µg/m³), or null without any.</param>
/// <param name="Pm10">Mean PM10 likewise, or null.</param>
/// <param name="OpenAlarms">Open alarms by severity: <c>info</c>, <c>minor</c>, <c>major</c>, <c>critical</c>.</param>
public sealed record FleetKpis(
    string City,
    DateTimeOffset At,
    int Poles,
    int Online,
    int LightsOn,
    double LightingPowerW,
    long SmallCellUes,
    double SmallCellDlMbps,
    double? Pm25,
    double? Pm10,
    IReadOnlyDictionary<string, int> OpenAlarms);
