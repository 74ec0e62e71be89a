namespace SmartPole.Actors;

/// <summary>Why the host deactivates an actor; passed to <see cref="Actor.OnDeactivateAsync"/>.</summary>
public enum ActorDeactivationReason
{
    /// <summary>No call reached the actor for <see cref="ActorHostOptions.IdleTimeout"/>.</summary>
    Idle,

    /// <summary>The host is shutting down (<see cref="ActorHost{TActor}.DeactivateAllAsync"/> or dispose).</summary>
    Shutdown,

    /// <summary>The actor asked for it with <see cref="Actor.DeactivateOnIdle"/>.</summary>
    Requested,
}
