using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Models;

/// <summary>An AC EV charger: sessions in half-hour slots, more likely in the evening, at about 7 kW.</summary>
internal sealed class ChargerModel : DeviceModel
{
    private const double SlotSeconds = 1_800;
    private readonly double _ratedKw;
    private double _energyKWh;

    public ChargerModel(DeviceInfo info, ulong seed)
        : base(info, seed)
    {
        _ratedKw = info.RatedPowerW > 0 ? info.RatedPowerW / 1000 : 7;
        _energyKWh = Math.Round(Param(1, 200, 8_000), 3);
    }

    public override DeviceReading Read(in ModelContext context)
    {
        _energyKWh += PowerW * context.ElapsedHours / 1000;
        var likelihood = 0.15 + (0.5 * context.Traffic);
        var charging = !context.SupplyLost && SimRandom.Slot(Seed, 2, context.UnixSeconds, SlotSeconds) < likelihood;
        var kw = charging ? _ratedKw * (0.9 + (0.08 * Noise(3, context, 300))) : 0;
        PowerW = context.SupplyLost ? 0 : (kw * 1000) + 5;
        return new DeviceReading(Info.Id, DeviceKind.Charger,
        [
            Integer("state", charging ? 1 : 0),
            Float("powerKw", kw, 2),
            Float("energyKWh", _energyKWh, 3),
        ]);
    }
}
