namespace SmartPole.Registry;

/// <summary>A city (tenant) as the registry keeps it.</summary>
/// <param name="Id">City id, <c>[a-z0-9-]{1,64}</c>.</param>
/// <param name="NameZh">Chinese name.</param>
/// <param name="NameEn">English name.</param>
/// <param name="TimeZone">IANA time zone, e.g. <c>Asia/Shanghai</c>.</param>
/// <param name="Bounds">The area its poles stand in.</param>
/// <param name="Settings">Defaults for schedules, thresholds and the dashboard.</param>
public sealed record CityRecord(string Id, string NameZh, string NameEn, string TimeZone, CityBounds Bounds, CitySettings Settings);
