using System.Globalization;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms.Rules;

/// <summary>Raises when a metric rises above a city limit (tilt, cabinet temperature, PM2.5, storage).</summary>
internal sealed class ThresholdRule(DeviceKind kind, string metric, string alarmType, Func<CityThresholds, double> limit) : IAlarmRule
{
    public DeviceKind Kind => kind;

    public string AlarmType => alarmType;

    public RuleVerdict Evaluate(DeviceSlot device, RuleContext context)
    {
        if (device.Number(metric) is not { } value)
        {
            return RuleVerdict.NoData;
        }

        var max = limit(context.Thresholds);
        return value > max
            ? RuleVerdict.Raise(string.Create(CultureInfo.InvariantCulture, $"{metric} {value:0.##} > {max:0.##}"))
            : RuleVerdict.Normal;
    }
}
