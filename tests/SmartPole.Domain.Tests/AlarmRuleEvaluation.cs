using SmartPole.Domain.Alarms;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Tests;

/// <summary>A rule's judgement and reason in one call, as the tests look at them.</summary>
internal static class AlarmRuleEvaluation
{
    /// <summary>The rule's outcome, with its reason when the alarm holds.</summary>
    public static RuleVerdict Evaluate(this IAlarmRule rule, DeviceSlot device, RuleContext context)
    {
        var outcome = rule.Check(device, context);
        return outcome == RuleOutcome.Alarm ? RuleVerdict.Raise(rule.Describe(device, context)) : new RuleVerdict(outcome);
    }
}
