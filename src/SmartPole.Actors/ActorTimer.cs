namespace SmartPole.Actors;

/// <summary>A timer whose ticks are queued into its actor's mailbox and run as turns.</summary>
internal sealed class ActorTimer : IDisposable
{
    private readonly IActorContext _context;
    private ITimer? _timer;
    private int _queued;
    private volatile bool _disposed;

    public ActorTimer(Actor owner, IActorContext context, Func<CancellationToken, Task> callback, bool keepAlive)
    {
        Owner = owner;
        _context = context;
        Callback = callback;
        KeepAlive = keepAlive;
    }

    public Actor Owner { get; }

    public Func<CancellationToken, Task> Callback { get; }

    public bool KeepAlive { get; }

    public bool IsDisposed => _disposed;

    public void Start(TimeSpan dueTime, TimeSpan period) =>
        _timer = _context.TimeProvider.CreateTimer(static state => ((ActorTimer)state!).OnFired(), this, dueTime, period);

    /// <summary>Called by the cell once the tick's turn has finished, so the next tick may queue.</summary>
    public void TickCompleted() => Volatile.Write(ref _queued, 0);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _timer?.Dispose();
        Owner.RemoveTimer(this);
    }

    private void OnFired()
    {
        // One queued tick at a time keeps a slow actor from piling up ticks in its mailbox.
        if (_disposed || Interlocked.Exchange(ref _queued, 1) == 1)
        {
            return;
        }

        _context.EnqueueTimerTick(this);
    }
}
