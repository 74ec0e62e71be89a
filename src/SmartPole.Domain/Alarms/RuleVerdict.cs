namespace SmartPole.Domain.Alarms;

/// <summary>A rule's answer: its outcome and, for an alarm, what was seen.</summary>
internal readonly record struct RuleVerdict(RuleOutcome Outcome, string Detail = "")
{
    public static RuleVerdict NoData => default;

    public static RuleVerdict Normal => new(RuleOutcome.Normal);

    public static RuleVerdict Raise(string detail) => new(RuleOutcome.Alarm, detail);
}
