namespace SmartPole.Domain.Alarms;

/// <summary>What a rule made of a device's latest state.</summary>
internal enum RuleOutcome
{
    /// <summary>The metrics the rule needs have not arrived: leave any alarm as it is.</summary>
    NoData,

    /// <summary>The condition does not hold: clear an open alarm.</summary>
    Normal,

    /// <summary>The condition holds: raise (or keep) the alarm.</summary>
    Alarm,
}
