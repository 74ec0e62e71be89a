namespace SmartPole.Actors;

/// <summary>
/// A virtual actor: one activation per key, created by its <see cref="ActorHost{TActor}"/> on the
/// first call and run one turn at a time. Turns are not reentrant: an actor that awaits a call to
/// itself from inside a turn waits forever.
/// </summary>
public abstract class Actor
{
    // Kept small on purpose: a host may hold hundreds of thousands of actors.
    private IActorContext? _context;
    private List<ActorTimer>? _timers;
    private bool _active;

    /// <summary>The key this actor was activated for; set by the host before <see cref="OnActivateAsync"/>.</summary>
    public string Key => Context.Key;

    /// <summary>The host's clock; use it instead of the system time so tests can move it.</summary>
    protected TimeProvider TimeProvider => Context.TimeProvider;

    internal bool DeactivationRequested { get; set; }

    private IActorContext Context =>
        _context ?? throw new InvalidOperationException("The actor is not attached to a host yet: use the key the factory receives.");

    /// <summary>Called once per activation before the first turn; restore state here. A throw fails the call that activated.</summary>
    protected internal virtual Task OnActivateAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Called once per activation after the last turn (idle, shutdown, requested); save state here.</summary>
    protected internal virtual Task OnDeactivateAsync(ActorDeactivationReason reason, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Runs <paramref name="callback"/> as a turn of this actor after <paramref name="dueTime"/> and then every
    /// <paramref name="period"/> (<see cref="Timeout.InfiniteTimeSpan"/> = once). A tick that falls due while the
    /// previous one is still queued or running is skipped. Timer ticks do not count as activity, so an actor
    /// that only has timers still idles out; use the overload with <c>keepAlive</c> to change that.
    /// Disposed with the activation.
    /// </summary>
    protected IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        RegisterTimer(callback, dueTime, period, keepAlive: false);

    /// <summary>
    /// As <see cref="RegisterTimer(Func{CancellationToken, Task}, TimeSpan, TimeSpan)"/>; with
    /// <paramref name="keepAlive"/> true every tick counts as activity and keeps the actor from idling out.
    /// </summary>
    protected IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period, bool keepAlive)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        }

        if (period != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        }

        if (!_active)
        {
            throw new InvalidOperationException("Timers can be registered only while the actor is activating or active.");
        }

        var timer = new ActorTimer(this, Context, callback, keepAlive);
        lock (_timers ??= [])
        {
            _timers.Add(timer);
        }

        timer.Start(dueTime, period);
        return timer;
    }

    /// <summary>Asks the host to deactivate this actor once the current turn ends; later calls go to a new activation.</summary>
    protected void DeactivateOnIdle() => DeactivationRequested = true;

    internal void Attach(IActorContext context)
    {
        _context = context;
        _active = true;
    }

    /// <summary>Ends the activation: no more timers, and no new ones.</summary>
    internal void Detach()
    {
        _active = false;
        DisposeTimers();
    }

    internal bool IsActive => _active;

    internal void RemoveTimer(ActorTimer timer)
    {
        var timers = _timers;
        if (timers is null)
        {
            return;
        }

        lock (timers)
        {
            timers.Remove(timer);
        }
    }

    private void DisposeTimers()
    {
        var timers = _timers;
        if (timers is null)
        {
            return;
        }

        ActorTimer[] copy;
        lock (timers)
        {
            copy = [.. timers];
            timers.Clear();
        }

        foreach (var timer in copy)
        {
            timer.Dispose();
        }

        _timers = null;
    }
}
