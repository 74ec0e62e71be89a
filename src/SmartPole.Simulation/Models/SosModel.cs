using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Models;

/// <summary>The emergency call button: armed and waiting.</summary>
internal sealed class SosModel(DeviceInfo info, ulong seed) : DeviceModel(info, seed)
{
    public override DeviceReading Read(in ModelContext context)
    {
        PowerW = 1;
        return new DeviceReading(Info.Id, DeviceKind.Sos, [Boolean("armed", true)]);
    }
}
