using SmartPole.Domain;
using SmartPole.Domain.Cities;

namespace SmartPole.Simulation.Cities;

/// <summary>What a typical pole carries, by its position in the city (so a city looks mixed but is reproducible).</summary>
internal static class PoleEquipment
{
    /// <summary>
    /// Lamp, environment sensors, cabinet and meter on every pole; a sidewalk lamp on wide roads;
    /// a small cell on every third pole, a camera on every second, and displays, chargers and SOS
    /// buttons on some.
    /// </summary>
    public static IReadOnlyList<DeviceInfo> For(int index, bool wideRoad)
    {
        var devices = new List<DeviceInfo>(10) { new("lamp-1", DeviceKind.Lighting, wideRoad ? 150 : 100) };
        if (wideRoad)
        {
            devices.Add(new DeviceInfo("lamp-2", DeviceKind.Lighting, 60));
        }

        if (index % 3 == 0)
        {
            devices.Add(new DeviceInfo("cell-1", DeviceKind.SmallCell, 200));
        }

        if (index % 2 == 0)
        {
            devices.Add(new DeviceInfo("cam-1", DeviceKind.Camera, 12));
        }

        devices.Add(new DeviceInfo("env-1", DeviceKind.Environment));
        if (index % 10 == 5)
        {
            devices.Add(new DeviceInfo("display-1", DeviceKind.Display, 150));
        }

        if (index % 25 == 7)
        {
            devices.Add(new DeviceInfo("charger-1", DeviceKind.Charger, 7_000));
        }

        if (index % 8 == 3)
        {
            devices.Add(new DeviceInfo("sos-1", DeviceKind.Sos));
        }

        devices.Add(new DeviceInfo("cab-1", DeviceKind.Cabinet));
        devices.Add(new DeviceInfo("meter-1", DeviceKind.Meter));
        return devices;
    }
}
