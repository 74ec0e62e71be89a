using System.Globalization;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms.Rules;

/// <summary>Raises while a boolean metric has its bad value (small cell off air, camera offline, water in the cabinet).</summary>
internal sealed class FlagRule(DeviceKind kind, string metric, bool badValue, string alarmType) : IAlarmRule
{
    public DeviceKind Kind => kind;

    public string AlarmType => alarmType;

    public RuleOutcome Check(DeviceSlot device, in RuleContext context) => device.Flag(metric) switch
    {
        null => RuleOutcome.NoData,
        { } value when value == badValue => RuleOutcome.Alarm,
        _ => RuleOutcome.Normal,
    };

    public string Describe(DeviceSlot device, in RuleContext context) => $"{metric} {(badValue ? "true" : "false")}";
}
