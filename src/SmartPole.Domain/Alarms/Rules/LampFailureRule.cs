using System.Globalization;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms.Rules;

/// <summary>A lamp that is on but draws less than a fraction (5 %) of its rated power has failed.</summary>
internal sealed class LampFailureRule : IAlarmRule
{
    public DeviceKind Kind => DeviceKind.Lighting;

    public string AlarmType => AlarmTypes.LampFailure;

    public RuleVerdict Evaluate(DeviceSlot device, RuleContext context)
    {
        if (device.Flag("on") is not { } on || device.Number("powerW") is not { } power)
        {
            return RuleVerdict.NoData;
        }

        var rated = context.RatedPowerW(device.Id);
        if (rated <= 0)
        {
            rated = context.Thresholds.DefaultLampRatedW;
        }

        // A lamp dimmed to a low level still draws more than 5 % of rated: the driver's floor is above it.
        var floor = rated * context.Thresholds.LampFailureFraction;
        return on && power < floor
            ? RuleVerdict.Raise(string.Create(CultureInfo.InvariantCulture, $"on at {power:0.#} W, below {floor:0.#} W ({context.Thresholds.LampFailureFraction:P0} of {rated:0} W rated)"))
            : RuleVerdict.Normal;
    }
}
