using System.Globalization;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms.Rules;

/// <summary>Raises while a boolean metric has its bad value (small cell off air, camera offline, water in the cabinet).</summary>
internal sealed class FlagRule(DeviceKind kind, string metric, bool badValue, string alarmType) : IAlarmRule
{
    public DeviceKind Kind => kind;

    public string AlarmType => alarmType;

    public RuleVerdict Evaluate(DeviceSlot device, RuleContext context) => device.Flag(metric) switch
    {
        null => RuleVerdict.NoData,
        { } value when value == badValue => RuleVerdict.Raise($"{metric} {(badValue ? "true" : "false")}"),
        _ => RuleVerdict.Normal,
    };
}
