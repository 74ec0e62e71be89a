namespace SmartPole.Domain.Cities;

/// <summary>A pole as the registry knows it: where it stands and what it carries.</summary>
/// <param name="Id">Pole id, unique in its city.</param>
/// <param name="Name">Human name, e.g. the road and number.</param>
/// <param name="Latitude">WGS 84 latitude.</param>
/// <param name="Longitude">WGS 84 longitude.</param>
/// <param name="District">District id, or null when unknown.</param>
/// <param name="Devices">Devices on the pole.</param>
public sealed record PoleInfo(string Id, string Name, double Latitude, double Longitude, string? District, IReadOnlyList<DeviceInfo> Devices);
