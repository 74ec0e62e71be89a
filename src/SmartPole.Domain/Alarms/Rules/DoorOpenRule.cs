using System.Globalization;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms.Rules;

/// <summary>A cabinet door open outside a maintenance window.</summary>
internal sealed class DoorOpenRule : IAlarmRule
{
    public DeviceKind Kind => DeviceKind.Cabinet;

    public string AlarmType => AlarmTypes.DoorOpen;

    public RuleVerdict Evaluate(DeviceSlot device, RuleContext context) => device.Flag("doorOpen") switch
    {
        null => RuleVerdict.NoData,
        true when !context.InMaintenance => RuleVerdict.Raise("door open outside a maintenance window"),
        _ => RuleVerdict.Normal,
    };
}
