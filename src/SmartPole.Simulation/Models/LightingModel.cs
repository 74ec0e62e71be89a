using System.Text.Json;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Models;

/// <summary>
/// An LED luminaire: follows its schedule unless an operator command overrides it; an override
/// holds until the schedule itself next changes state (the usual behaviour of pole controllers).
/// </summary>
internal sealed class LightingModel : DeviceModel
{
    private const double StandbyW = 0.6;
    private readonly double _ratedW;
    private readonly double _driverEfficiency;
    private double _energyKWh;
    private double _lampHours;
    private (bool On, double DimPct)? _override;
    private (bool On, double DimPct) _scheduledAtOverride;

    public LightingModel(DeviceInfo info, ulong seed)
        : base(info, seed)
    {
        _ratedW = info.RatedPowerW > 0 ? info.RatedPowerW : 100;
        _driverEfficiency = Param(1, 0.88, 0.94);
        _lampHours = Math.Round(Param(2, 2_000, 16_000));
        _energyKWh = Math.Round(_lampHours * _ratedW * 0.8 / 1000 / _driverEfficiency, 3);
    }

    public LightingSchedule Schedule { get; set; } = LightingSchedule.Default;

    public override DeviceReading Read(in ModelContext context)
    {
        var scheduled = Schedule.StateAt(context.LocalTime);
        if (_override is not null && scheduled != _scheduledAtOverride)
        {
            _override = null;
        }

        var (on, dimPct) = _override ?? scheduled;

        // A stuck relay burns the lamp at full power whatever the schedule or an operator says.
        if ((Faults & DeviceFault.DayBurner) != 0)
        {
            (on, dimPct) = (true, 100);
        }

        if (dimPct <= 0)
        {
            on = false;
        }

        var lit = on ? dimPct : 0;

        // Energy and lamp hours integrate the state held since the previous frame.
        _energyKWh += PowerW * context.ElapsedHours / 1000;
        if (PowerW > StandbyW + 2)
        {
            _lampHours += context.ElapsedHours;
        }

        if (context.SupplyLost)
        {
            PowerW = 0;
            return new DeviceReading(Info.Id, DeviceKind.Lighting,
            [
                Boolean("on", false),
                Float("dimPct", 0, 0),
                Float("powerW", 0),
                Float("energyKWh", _energyKWh, 3),
                Float("voltageV", 0),
                Float("currentA", 0, 3),
                Float("lampHours", _lampHours, 2),
            ]);
        }

        // A failed lamp is still switched on by its controller, but its LEDs draw next to nothing.
        var failed = (Faults & DeviceFault.Failed) != 0;
        var power = !on ? StandbyW
            : failed ? StandbyW + 0.6 + (0.2 * Noise(4, context, 600))
            : (_ratedW * lit / 100 / _driverEfficiency) + (0.4 * Noise(3, context, 600));
        PowerW = Math.Max(StandbyW, power);
        var powerFactor = on && !failed ? 0.80 + (0.16 * lit / 100) : 0.5;
        var volts = context.SupplyV;
        return new DeviceReading(Info.Id, DeviceKind.Lighting,
        [
            Boolean("on", on),
            Float("dimPct", lit, 0),
            Float("powerW", PowerW),
            Float("energyKWh", _energyKWh, 3),
            Float("voltageV", volts),
            Float("currentA", PowerW / (volts * powerFactor), 3),
            Float("powerFactor", powerFactor, 2),
            Float("lampHours", _lampHours, 2),
        ]);
    }

    /// <summary>Remembers the scheduled state so an override lasts until the schedule moves on.</summary>
    private void Override(bool on, double dimPct, TimeOnly localTime)
    {
        _scheduledAtOverride = Schedule.StateAt(localTime);
        _override = (on, dimPct);
    }

    public override CommandAck Apply(string action, JsonElement args, TimeOnly localTime)
    {
        switch (action)
        {
            case "on":
                Override(true, 100, localTime);
                return CommandAck.Applied;
            case "off":
                Override(false, 0, localTime);
                return CommandAck.Applied;
            case "dim":
                if (args.ValueKind != JsonValueKind.Object || !args.TryGetProperty("pct", out var pct) ||
                    !pct.TryGetDouble(out var level) || level is < 0 or > 100)
                {
                    return CommandAck.Failed("dim needs args {\"pct\": 0..100}");
                }

                Override(level > 0, level, localTime);
                return CommandAck.Applied;
            case "auto":
                _override = null;
                return CommandAck.Applied;
            default:
                return CommandAck.Failed($"lighting does not support '{action}' (on, off, dim, auto)");
        }
    }
}
