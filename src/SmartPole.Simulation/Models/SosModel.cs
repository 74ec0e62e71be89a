using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Models;

/// <summary>The emergency call button: armed and waiting; once pressed it stays in call mode (not armed) until reset.</summary>
internal sealed class SosModel(DeviceInfo info, ulong seed) : DeviceModel(info, seed)
{
    public override DeviceReading Read(in ModelContext context)
    {
        PowerW = context.SupplyLost ? 0 : 1;
        return new DeviceReading(Info.Id, DeviceKind.Sos, [Boolean("armed", !context.SupplyLost && (Faults & DeviceFault.Pressed) == 0)]);
    }
}
