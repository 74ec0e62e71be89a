using System.Text.Json;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Models;

/// <summary>
/// A 5G small cell: connected UEs and throughput follow traffic (peaks at 08:00 and 18:00, a
/// quiet night); energy-saving mode halves capacity and trims the radio's power.
/// </summary>
internal sealed class SmallCellModel : DeviceModel
{
    private readonly double _ratedW;
    private readonly double _peakUes;
    private readonly double _mbpsPerUe;

    public SmallCellModel(DeviceInfo info, ulong seed)
        : base(info, seed)
    {
        _ratedW = info.RatedPowerW > 0 ? info.RatedPowerW : 200;
        _peakUes = Param(1, 120, 320);
        _mbpsPerUe = Param(2, 1.8, 3.2);
    }

    /// <summary>True while the operator has switched the cell to energy saving.</summary>
    public bool EnergySaving { get; private set; }

    public override DeviceReading Read(in ModelContext context)
    {
        var dark = context.SupplyLost;
        if (dark || (Faults & DeviceFault.Offline) != 0)
        {
            // Off air: the baseband still runs (and reports) unless the pole has no mains at all.
            PowerW = dark ? 0 : _ratedW * 0.15;
            return new DeviceReading(Info.Id, DeviceKind.SmallCell,
            [
                Boolean("onAir", false),
                Integer("ues", 0),
                Float("dlMbps", 0),
                Float("ulMbps", 0),
                Float("prbPct", 0),
                Float("powerW", PowerW),
                Float("tempC", context.AmbientC + (dark ? 0 : 3)),
            ]);
        }

        var capacity = EnergySaving ? 0.5 : 1.0;
        var demand = context.Traffic * (1 + (0.06 * Noise(3, context, 900)));
        var load = Math.Clamp(Math.Min(demand, capacity), 0, 1);
        var ues = (long)Math.Round(_peakUes * load);
        var dl = Math.Min(ues * _mbpsPerUe * (1 + (0.1 * Noise(4, context, 300))), 1_200 * capacity);
        var ul = dl * (0.12 + (0.03 * Noise(5, context, 600)));
        var prb = Math.Clamp((100 * load / capacity * 0.9) + (3 * Noise(6, context, 300)), 0, 100);
        var idle = _ratedW * (EnergySaving ? 0.25 : 0.4);
        PowerW = idle + ((_ratedW - idle) * (EnergySaving ? 0.6 : 1.0) * prb / 100);
        var temp = context.AmbientC + 6 + (12 * PowerW / _ratedW);
        return new DeviceReading(Info.Id, DeviceKind.SmallCell,
        [
            Boolean("onAir", true),
            Integer("ues", ues),
            Float("dlMbps", Math.Max(0, dl)),
            Float("ulMbps", Math.Max(0, ul)),
            Float("prbPct", prb),
            Float("powerW", PowerW),
            Float("tempC", temp),
        ]);
    }

    public override CommandAck Apply(string action, JsonElement args, TimeOnly localTime)
    {
        if (action != "energySaving")
        {
            return CommandAck.Failed($"smallcell does not support '{action}' (energySaving)");
        }

        if (args.ValueKind != JsonValueKind.Object || !args.TryGetProperty("on", out var on) ||
            on.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return CommandAck.Failed("energySaving needs args {\"on\": true|false}");
        }

        EnergySaving = on.GetBoolean();
        return CommandAck.Applied;
    }
}
