using SmartPole.Domain.Cities;

namespace SmartPole.Registry;

/// <summary>A pole as the registry keeps it.</summary>
/// <param name="Id">Pole id, unique in its city.</param>
/// <param name="Name">Human name.</param>
/// <param name="Latitude">WGS 84 latitude.</param>
/// <param name="Longitude">WGS 84 longitude.</param>
/// <param name="Address">Street address, or null.</param>
/// <param name="District">District id, or null.</param>
/// <param name="Devices">Devices on the pole, ordered by id.</param>
public sealed record RegisteredPole(string Id, string Name, double Latitude, double Longitude, string? Address, string? District, IReadOnlyList<RegisteredDevice> Devices)
{
    /// <summary>The pole in the domain's form (what twins and the simulator use).</summary>
    public PoleInfo ToPoleInfo() =>
        new(Id, Name, Latitude, Longitude, District, Devices.Select(d => new DeviceInfo(d.Id, d.Kind, d.RatedPowerW)).ToList());
}
