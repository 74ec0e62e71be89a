namespace SmartPole.Actors;

/// <summary>What an <see cref="Actor"/> sees of the host cell that runs it.</summary>
internal interface IActorContext
{
    string Key { get; }

    TimeProvider TimeProvider { get; }

    /// <summary>Queues a timer tick as a turn; ticks bypass the mailbox capacity (at most one per timer is queued).</summary>
    void EnqueueTimerTick(ActorTimer timer);
}
