namespace SmartPole.Actors;

/// <summary>A snapshot of an <see cref="ActorHost{TActor}"/>'s counters since it was created.</summary>
/// <param name="Activations">Actors activated (successful <see cref="Actor.OnActivateAsync"/>).</param>
/// <param name="ActivationFailures">Activations that threw; the call that triggered them failed.</param>
/// <param name="Deactivations">Actors deactivated, for any reason.</param>
/// <param name="ActiveActors">Actors active now.</param>
/// <param name="MailboxDepth">Calls, timer ticks and control messages queued in all mailboxes now.</param>
/// <param name="Turns">Turns run (calls and timer ticks).</param>
/// <param name="FailedTurns">Turns that threw.</param>
/// <param name="TotalTurnTime">Time spent inside turns, summed, on the host's <see cref="TimeProvider"/> (a manual clock in tests reads zero).</param>
/// <param name="MaxTurnTime">The longest single turn.</param>
public readonly record struct ActorHostCounters(
    long Activations,
    long ActivationFailures,
    long Deactivations,
    long ActiveActors,
    long MailboxDepth,
    long Turns,
    long FailedTurns,
    TimeSpan TotalTurnTime,
    TimeSpan MaxTurnTime);
