using System.Globalization;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms.Rules;

/// <summary>A lamp that is on but draws less than a fraction (5 %) of its rated power has failed.</summary>
internal sealed class LampFailureRule : IAlarmRule
{
    public DeviceKind Kind => DeviceKind.Lighting;

    public string AlarmType => AlarmTypes.LampFailure;

    public RuleOutcome Check(DeviceSlot device, in RuleContext context)
    {
        if (device.Flag("on") is not { } on || device.Number("powerW") is not { } power)
        {
            return RuleOutcome.NoData;
        }

        // A lamp dimmed to a low level still draws more than 5 % of rated: the driver's floor is above it.
        return on && power < Rated(device, context) * context.Thresholds.LampFailureFraction ? RuleOutcome.Alarm : RuleOutcome.Normal;
    }

    public string Describe(DeviceSlot device, in RuleContext context)
    {
        var rated = Rated(device, context);
        var floor = rated * context.Thresholds.LampFailureFraction;
        return string.Create(CultureInfo.InvariantCulture, $"on at {device.Number("powerW"):0.#} W, below {floor:0.#} W ({context.Thresholds.LampFailureFraction:P0} of {rated:0} W rated)");
    }

    private static double Rated(DeviceSlot device, in RuleContext context)
    {
        var rated = context.RatedPowerW(device.Id);
        return rated > 0 ? rated : context.Thresholds.DefaultLampRatedW;
    }
}
