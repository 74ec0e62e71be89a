using System.Globalization;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms.Rules;

/// <summary>
/// A lamp burning while its schedule has said "off" for longer than the grace period (so a lamp
/// switching off a frame late is not an alarm) is a day-burner.
/// </summary>
internal sealed class DayBurnerRule : IAlarmRule
{
    public DeviceKind Kind => DeviceKind.Lighting;

    public string AlarmType => AlarmTypes.DayBurner;

    public RuleOutcome Check(DeviceSlot device, in RuleContext context)
    {
        if (device.Flag("on") is not { } on)
        {
            return RuleOutcome.NoData;
        }

        var now = context.ScheduledDimAt(context.At);
        var before = context.ScheduledDimAt(context.At - context.Thresholds.DayBurnerGrace);
        if (now is null || before is null)
        {
            return RuleOutcome.NoData;
        }

        return on && now == 0 && before == 0 ? RuleOutcome.Alarm : RuleOutcome.Normal;
    }

    public string Describe(DeviceSlot device, in RuleContext context) => "on while the schedule says off";
}
