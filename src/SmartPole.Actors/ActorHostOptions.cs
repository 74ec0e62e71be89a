namespace SmartPole.Actors;

/// <summary>Settings of an <see cref="ActorHost{TActor}"/> (configuration section <c>Actors</c>).</summary>
public sealed class ActorHostOptions
{
    /// <summary>
    /// How long an actor may go without a call before it is deactivated (and saves its state).
    /// <see cref="Timeout.InfiniteTimeSpan"/> keeps actors until shutdown. Default 15 minutes.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Calls one actor's mailbox holds before senders are pushed back (<see cref="ActorHost{TActor}.TryTell"/>
    /// returns false, <see cref="ActorHost{TActor}.TellAsync"/> waits). Default 1024.
    /// </summary>
    public int MailboxCapacity { get; set; } = 1024;

    /// <summary>
    /// How often the host looks at the actors whose idle deadline has passed; an idle actor is
    /// deactivated between <see cref="IdleTimeout"/> and <see cref="IdleTimeout"/> plus this. Default 1 minute.
    /// </summary>
    public TimeSpan IdleScanGranularity { get; set; } = TimeSpan.FromMinutes(1);

    internal void Validate()
    {
        if (IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MailboxCapacity, 1, nameof(MailboxCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleScanGranularity, TimeSpan.Zero, nameof(IdleScanGranularity));
    }
}
