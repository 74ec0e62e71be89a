using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SmartPole.Actors;

/// <summary>
/// Hosts virtual actors of one type, addressed by string key: an actor is activated on its first
/// call, runs one turn at a time (turns of different actors run in parallel on the thread pool),
/// is deactivated after <see cref="ActorHostOptions.IdleTimeout"/> without calls and reactivated by
/// the next call. Each actor has a bounded mailbox; full mailboxes push back on senders.
/// </summary>
/// <typeparam name="TActor">The actor type; instances come from the factory, one per activation.</typeparam>
public sealed class ActorHost<TActor> : IAsyncDisposable
    where TActor : Actor
{
    private readonly ConcurrentDictionary<string, ActorCell<TActor>> _cells = new(StringComparer.Ordinal);
    private readonly long _origin;
    private readonly StripedCounter _turns = new();
    private readonly StripedCounter _failedTurns = new();
    private readonly StripedCounter _turnTicks = new();
    private long _maxTurnTicks;
    private long _activations;
    private long _activationFailures;
    private long _deactivations;
    private long _active;
    private int _disposed;

    /// <summary>Creates a host; <paramref name="factory"/> builds a fresh actor for a key at each activation.</summary>
    public ActorHost(Func<string, TActor> factory, ActorHostOptions options, ILogger<ActorHost<TActor>>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Factory = factory;
        Options = new ActorHostOptions
        {
            IdleTimeout = options.IdleTimeout,
            MailboxCapacity = options.MailboxCapacity,
            IdleScanGranularity = options.IdleScanGranularity,
        };
        Log = (ILogger?)logger ?? NullLogger.Instance;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _origin = TimeProvider.GetTimestamp();
        if (Options.IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            IdleTimeoutTicks = Options.IdleTimeout.Ticks;
            IdleWheel = new IdleWheel<TActor>(TimeProvider, Options.IdleScanGranularity, NowTicks);
        }
        else
        {
            IdleTimeoutTicks = long.MaxValue / 2;
        }
    }

    /// <summary>A snapshot of the host's counters.</summary>
    public ActorHostCounters Counters => new(
        Activations: Interlocked.Read(ref _activations),
        ActivationFailures: Interlocked.Read(ref _activationFailures),
        Deactivations: Interlocked.Read(ref _deactivations),
        ActiveActors: Interlocked.Read(ref _active),
        MailboxDepth: MailboxDepth.Read(),
        Turns: _turns.Read(),
        FailedTurns: _failedTurns.Read(),
        TotalTurnTime: TimeProvider.GetElapsedTime(0, _turnTicks.Read()),
        MaxTurnTime: TimeProvider.GetElapsedTime(0, Interlocked.Read(ref _maxTurnTicks)));

    /// <summary>Actors active now.</summary>
    public int ActiveCount => (int)Interlocked.Read(ref _active);

    internal Func<string, TActor> Factory { get; }

    internal ActorHostOptions Options { get; }

    internal ILogger Log { get; }

    internal TimeProvider TimeProvider { get; }

    internal long IdleTimeoutTicks { get; }

    internal IdleWheel<TActor>? IdleWheel { get; }

    internal StripedCounter MailboxDepth { get; } = new();

    /// <summary>
    /// Runs <paramref name="call"/> as a turn of the actor for <paramref name="key"/> (activating it if
    /// needed) and completes with its result or exception. Waits while the mailbox is full. A call whose
    /// token is cancelled before its turn starts is skipped and completes as cancelled.
    /// </summary>
    public ValueTask<TResult> AskAsync<TResult>(string key, Func<TActor, CancellationToken, ValueTask<TResult>> call, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(call);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var item = new AskWorkItem<TActor, TResult>(call, ct);
        var sent = SendAsync(key, item, ct);
        return sent.IsCompletedSuccessfully ? item.Task : AwaitSentThenResult(sent, item);

        static async ValueTask<TResult> AwaitSentThenResult(ValueTask sent, AskWorkItem<TActor, TResult> item)
        {
            await sent.ConfigureAwait(false);
            return await item.Task.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Queues <paramref name="call"/> as a turn of the actor for <paramref name="key"/> and completes once it
    /// is queued, waiting while the mailbox is full. The turn's exceptions are logged and counted.
    /// </summary>
    public ValueTask TellAsync(string key, Func<TActor, CancellationToken, ValueTask> call, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(call);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return SendAsync(key, call, ct);
    }

    /// <summary>Queues <paramref name="call"/> as a turn of the actor for <paramref name="key"/>; false when its mailbox is full.</summary>
    public bool TryTell(string key, Func<TActor, CancellationToken, ValueTask> call)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(call);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            switch (GetCell(key).TryEnqueue(call, wait: false, out _))
            {
                case EnqueueResult.Enqueued:
                    return true;
                case EnqueueResult.Full:
                    return false;
                default:
                    continue; // the cell left the table as we reached it: the next one is fresh
            }
        }
    }

    /// <summary>
    /// Deactivates every actor active now: each first runs the turns already queued for it, then
    /// <see cref="Actor.OnDeactivateAsync"/> with <see cref="ActorDeactivationReason.Shutdown"/>.
    /// Calls made afterwards activate actors again (dispose the host to refuse them).
    /// </summary>
    public Task DeactivateAllAsync(CancellationToken ct = default)
    {
        var waits = new List<Task>();
        foreach (var cell in _cells.Values)
        {
            var request = new DeactivationRequest(ActorDeactivationReason.Shutdown, waitable: true, ct);
            if (cell.TryEnqueueControl(request))
            {
                waits.Add(request.Completion);
            }
        }

        return Task.WhenAll(waits).WaitAsync(ct);
    }

    /// <summary>Refuses new calls, stops the idle scan and deactivates every actor (<see cref="DeactivateAllAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        IdleWheel?.Dispose();
        await DeactivateAllAsync().ConfigureAwait(false);
    }

    /// <summary>Time since the host started, in <see cref="TimeSpan"/> ticks: the idle wheel's clock.</summary>
    internal long NowTicks() => TimeProvider.GetElapsedTime(_origin).Ticks;

    internal long TicksSinceOrigin(long timestamp) => TimeProvider.GetElapsedTime(_origin, timestamp).Ticks;

    internal void Remove(ActorCell<TActor> cell) => _cells.TryRemove(new KeyValuePair<string, ActorCell<TActor>>(cell.Key, cell));

    internal void CountActivation()
    {
        Interlocked.Increment(ref _activations);
        Interlocked.Increment(ref _active);
    }

    internal void CountActivationFailure() => Interlocked.Increment(ref _activationFailures);

    internal void CountDeactivation()
    {
        Interlocked.Increment(ref _deactivations);
        Interlocked.Decrement(ref _active);
    }

    /// <summary>Counts a turn that started at <paramref name="startedTimestamp"/> (host clock) and ends now.</summary>
    internal void CountTurn(long startedTimestamp, bool failed)
    {
        var elapsedTicks = TimeProvider.GetTimestamp() - startedTimestamp;
        _turns.Increment();
        _turnTicks.Add(elapsedTicks);
        if (failed)
        {
            _failedTurns.Increment();
        }

        var max = Volatile.Read(ref _maxTurnTicks);
        while (elapsedTicks > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxTurnTicks, elapsedTicks, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    private ActorCell<TActor> GetCell(string key) =>
        _cells.GetOrAdd(key, static (k, host) => new ActorCell<TActor>(host, k), this);

    private ValueTask SendAsync(string key, object message, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        while (true)
        {
            var cell = GetCell(key);
            switch (cell.TryEnqueue(message, wait: true, out var pending))
            {
                case EnqueueResult.Enqueued:
                    return ValueTask.CompletedTask;
                case EnqueueResult.Waiting:
                    if (ct.CanBeCanceled)
                    {
                        var registration = ct.UnsafeRegister(
                            static (state, token) =>
                            {
                                var (c, p) = ((ActorCell<TActor>, PendingSend))state!;
                                c.CancelPending(p, token);
                            },
                            (cell, pending));
                        cell.AttachCancellation(pending!, registration);
                    }

                    return new ValueTask(pending!.Task);
                default:
                    continue;
            }
        }
    }
}
