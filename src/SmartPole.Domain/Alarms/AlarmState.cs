namespace SmartPole.Domain.Alarms;

/// <summary>Where an alarm is in its lifecycle: active → acknowledged → cleared (an alarm may also clear unacknowledged).</summary>
public enum AlarmState
{
    /// <summary>The condition holds and nobody has taken it on.</summary>
    Active,

    /// <summary>An operator took it on; the condition may still hold.</summary>
    Acknowledged,

    /// <summary>The condition ended (or an operator cleared it). Final.</summary>
    Cleared,
}
