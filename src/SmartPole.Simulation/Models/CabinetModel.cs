using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Models;

/// <summary>The pole's cabinet: closed, upright, dry; its temperature is the air's plus the heat of the pole's load.</summary>
internal sealed class CabinetModel(DeviceInfo info, ulong seed) : DeviceModel(info, seed)
{
    private readonly double _tilt = SimRandom.Range(SimRandom.Hash(seed, SimRandom.StableHash(info.Id)), 1, 0.1, 0.9);
    private readonly double _leaning = SimRandom.Range(SimRandom.Hash(seed, SimRandom.StableHash(info.Id)), 4, 6, 15);

    /// <summary>How far the pole leans while tilted (°): past any alarm threshold, seeded per pole.</summary>
    public double LeaningDeg => _leaning;

    public override DeviceReading Read(in ModelContext context)
    {
        // Gateway, switches and the fan; on battery the fan stops.
        PowerW = context.SupplyLost ? 0 : 12;
        // Drivers and radios heat the cabinet, saturating: a charger's 7 kW is in its own housing.
        var temp = context.AmbientC + 3 + (8 * (1 - Math.Exp(-context.LoadW / 400))) + (0.3 * Noise(2, context, 900));
        var tilt = (Faults & DeviceFault.Tilted) != 0 ? _leaning : _tilt;
        return new DeviceReading(Info.Id, DeviceKind.Cabinet,
        [
            Boolean("doorOpen", (Faults & DeviceFault.DoorOpen) != 0),
            Float("tiltDeg", tilt + (0.02 * Noise(3, context, 3600)), 2),
            Float("cabinetTempC", temp),
            Boolean("waterLeak", false),
            Float("supplyV", context.SupplyV),
        ]);
    }
}
