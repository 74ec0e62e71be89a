using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms;

/// <summary>One small alarm processor: looks at one device of one kind and says whether its alarm type holds.</summary>
internal interface IAlarmRule
{
    /// <summary>The device kind the rule looks at.</summary>
    DeviceKind Kind { get; }

    /// <summary>The alarm type the rule raises and clears.</summary>
    string AlarmType { get; }

    /// <summary>Judges the device's latest state; allocation-free, since it runs for every device of every frame.</summary>
    RuleOutcome Check(DeviceSlot device, in RuleContext context);

    /// <summary>Why the alarm holds, for an alarm about to be raised (only then: building the text costs).</summary>
    string Describe(DeviceSlot device, in RuleContext context);
}
