using System.Globalization;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms.Rules;

/// <summary>Raises when a metric rises above a city limit (tilt, cabinet temperature, PM2.5, storage).</summary>
internal sealed class ThresholdRule(DeviceKind kind, string metric, string alarmType, Func<CityThresholds, double> limit) : IAlarmRule
{
    public DeviceKind Kind => kind;

    public string AlarmType => alarmType;

    public RuleOutcome Check(DeviceSlot device, in RuleContext context)
    {
        if (device.Number(metric) is not { } value)
        {
            return RuleOutcome.NoData;
        }

        return value > limit(context.Thresholds) ? RuleOutcome.Alarm : RuleOutcome.Normal;
    }

    public string Describe(DeviceSlot device, in RuleContext context) =>
        string.Create(CultureInfo.InvariantCulture, $"{metric} {device.Number(metric):0.##} > {limit(context.Thresholds):0.##}");
}
