using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Models;

/// <summary>The pole's energy meter: measures the sum of every other device on the pole.</summary>
internal sealed class MeterModel : DeviceModel
{
    private double _energyKWh;
    private double _lastLoadW;

    public MeterModel(DeviceInfo info, ulong seed)
        : base(info, seed) => _energyKWh = Math.Round(Param(1, 1_000, 25_000), 3);

    public override DeviceReading Read(in ModelContext context)
    {
        _energyKWh += _lastLoadW * context.ElapsedHours / 1000;
        _lastLoadW = context.LoadW;
        PowerW = 0;
        var powerFactor = 0.93;
        return new DeviceReading(Info.Id, DeviceKind.Meter,
        [
            Float("voltageV", context.SupplyV),
            Float("currentA", context.SupplyLost ? 0 : context.LoadW / (context.SupplyV * powerFactor), 3),
            Float("powerW", context.LoadW),
            Float("energyKWh", _energyKWh, 3),
        ]);
    }
}
