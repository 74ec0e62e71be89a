namespace SmartPole.Domain.Cities;

/// <summary>A city (tenant) and its poles.</summary>
/// <param name="Id">City id, e.g. <c>shenzhen</c>.</param>
/// <param name="NameZh">Chinese name.</param>
/// <param name="NameEn">English name.</param>
/// <param name="TimeZone">IANA time zone, e.g. <c>Asia/Shanghai</c>.</param>
/// <param name="Poles">The city's poles.</param>
public sealed record CityInfo(string Id, string NameZh, string NameEn, string TimeZone, IReadOnlyList<PoleInfo> Poles);
