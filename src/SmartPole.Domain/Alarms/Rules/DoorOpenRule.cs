using System.Globalization;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms.Rules;

/// <summary>A cabinet door open outside a maintenance window.</summary>
internal sealed class DoorOpenRule : IAlarmRule
{
    public DeviceKind Kind => DeviceKind.Cabinet;

    public string AlarmType => AlarmTypes.DoorOpen;

    public RuleOutcome Check(DeviceSlot device, in RuleContext context) => device.Flag("doorOpen") switch
    {
        null => RuleOutcome.NoData,
        true when !context.InMaintenance => RuleOutcome.Alarm,
        _ => RuleOutcome.Normal,
    };

    public string Describe(DeviceSlot device, in RuleContext context) => "door open outside a maintenance window";
}
