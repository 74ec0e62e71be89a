namespace SmartPole.Domain.Commands;

/// <summary>Where a command is: accepted → sent → acked / failed / timed out.</summary>
public enum CommandStatus
{
    /// <summary>Taken in by the twin, not yet handed to MQTT.</summary>
    Accepted,

    /// <summary>Published to the pole; waiting for its ack.</summary>
    Sent,

    /// <summary>The pole answered <c>{"ok":true}</c>.</summary>
    Acked,

    /// <summary>The pole answered <c>{"ok":false}</c>, or the command could not be sent.</summary>
    Failed,

    /// <summary>No answer before the deadline.</summary>
    TimedOut,
}
