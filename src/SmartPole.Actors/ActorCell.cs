namespace SmartPole.Actors;

/// <summary>
/// One key's place in the host: its mailbox and, while active, its actor. At most one work item
/// drains a cell at a time (the <c>_running</c> flag), which is what makes turns never overlap; the
/// cell runs on the thread pool only while it has work. A cell leaves the host's table once its
/// actor is gone and its mailbox is empty; senders that still hold it see <c>_removed</c> and retry
/// on a fresh cell, so a call is never lost and two activations of one key never coexist.
/// All fields but <c>_actor</c> are guarded by the cell's gate, a four-byte spin lock held only for a
/// few field updates (a Monitor on the cell went through its slow path on most calls in profiles of
/// the dispatch benchmark, and a <see cref="Lock"/> object per cell would cost a million poles ~40 MB).
/// </summary>
internal sealed class ActorCell<TActor> : IThreadPoolWorkItem, IActorContext
    where TActor : Actor
{
    /// <summary>Turns one work item runs before it yields the thread to other actors.</summary>
    private const int TurnsPerSlice = 32;

    private const int InitialMailboxSize = 4;

    private readonly ActorHost<TActor> _host;

    // Null when empty; the message itself while exactly one is queued and no ring exists (the usual
    // case of a pole hearing one frame at a time costs no buffer); otherwise a ring buffer grown on
    // demand up to the capacity and given back once it drains. Messages are never object arrays.
    private object? _mailbox;
    private int _head;
    private int _count;
    private Queue<PendingSend>? _pendingSends;

    // Written only by the draining work item; others read it only when the cell is not running.
    private TActor? _actor;
    // Ticks since the host's origin at which the latest call's turn started. Written by the
    // draining work item, read under the lock by the idle scan.
    private long _lastActivityTicks;
    private int _gate;
    private bool _running;
    private bool _removed;
    private bool _inIdleWheel;
    private bool _idleRequestQueued;

    public ActorCell(ActorHost<TActor> host, string key)
    {
        _host = host;
        Key = key;
    }

    public string Key { get; }

    public TimeProvider TimeProvider => _host.TimeProvider;

    /// <summary>Queues <paramref name="message"/>; with <paramref name="wait"/> a full mailbox parks the sender instead of refusing it.</summary>
    public EnqueueResult TryEnqueue(object message, bool wait, out PendingSend? pending)
    {
        pending = null;
        bool schedule;
        using (Gate())
        {
            if (_removed)
            {
                return EnqueueResult.Removed;
            }

            if (_count >= _host.Options.MailboxCapacity)
            {
                if (!wait)
                {
                    return EnqueueResult.Full;
                }

                pending = new PendingSend(message);
                (_pendingSends ??= new Queue<PendingSend>()).Enqueue(pending);
                return EnqueueResult.Waiting;
            }

            Push(message);
            schedule = StartIfIdle();
        }

        _host.MailboxDepth.Increment();
        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return EnqueueResult.Enqueued;
    }

    /// <summary>Queues a control message regardless of capacity; false when the cell has left the table.</summary>
    public bool TryEnqueueControl(object message)
    {
        bool schedule;
        using (Gate())
        {
            if (_removed)
            {
                return false;
            }

            Push(message);
            schedule = StartIfIdle();
        }

        _host.MailboxDepth.Increment();
        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return true;
    }

    /// <summary>Withdraws a parked sender whose token fired before its message got in.</summary>
    public void CancelPending(PendingSend pending, CancellationToken ct)
    {
        using (Gate())
        {
            // Under the lock: either the message already moved in (and the task completed) or it never will.
            pending.TrySetCanceled(ct);
        }
    }

    /// <summary>Hands a parked sender its token registration, so moving the message in can drop it.</summary>
    public void AttachCancellation(PendingSend pending, CancellationTokenRegistration registration)
    {
        using (Gate())
        {
            if (pending.Task.IsCompleted)
            {
                registration.Unregister();
                return;
            }

            pending.Registration = registration;
        }
    }

    public void EnqueueTimerTick(ActorTimer timer)
    {
        if (!TryEnqueueControl(timer))
        {
            timer.TickCompleted();
        }
    }

    /// <summary>Called by the idle wheel when this cell's idle deadline may have passed.</summary>
    public void CheckIdle(long nowTicks)
    {
        bool schedule;
        using (Gate())
        {
            _inIdleWheel = false;
            if (_removed)
            {
                return;
            }

            var idleTimeout = _host.IdleTimeoutTicks;
            var lastActivity = Volatile.Read(ref _lastActivityTicks);
            if (_idleRequestQueued || nowTicks - lastActivity < idleTimeout)
            {
                ScheduleIdleCheck(Math.Max(lastActivity + idleTimeout, nowTicks + 1));
                return;
            }

            // Queued even behind pending timer ticks (they are not activity); the request looks again when its turn comes.
            _idleRequestQueued = true;
            Push(DeactivationRequest.Idle);
            schedule = StartIfIdle();
        }

        _host.MailboxDepth.Increment();
        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    private async Task DrainAsync()
    {
        for (var turns = 0; ; turns++)
        {
            object message;
            using (Gate())
            {
                if (_count == 0)
                {
                    _running = false;
                    if (_actor is null)
                    {
                        _removed = true;
                        _host.Remove(this);
                    }

                    return;
                }

                if (turns == TurnsPerSlice)
                {
                    // Stay marked running and go to the back of the pool's queue so other actors get cores.
                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                    return;
                }

                message = Pop();
                MovePendingSendsIn();
            }

            _host.MailboxDepth.Decrement();
            try
            {
                // The common message, a one-way call to an active actor, skips the general path's async layers.
                var processing = message is Func<TActor, CancellationToken, ValueTask> tell && _actor is { } active
                    ? RunTellAsync(active, tell)
                    : ProcessAsync(message);
                await processing.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // ProcessAsync handles turn failures itself; this is a host bug, and the cell must keep draining.
                _host.Log.CellFailed(e, Key);
            }
        }
    }

    private async ValueTask ProcessAsync(object message)
    {
        switch (message)
        {
            case Func<TActor, CancellationToken, ValueTask> tell:
                {
                    var actor = await TryActivateAsync(null).ConfigureAwait(false);
                    if (actor is not null)
                    {
                        await RunTellAsync(actor, tell).ConfigureAwait(false);
                    }

                    break;
                }

            case ActorWorkItem<TActor> item:
                {
                    if (item.CancellationToken.IsCancellationRequested)
                    {
                        item.Fail(new OperationCanceledException(item.CancellationToken));
                        break;
                    }

                    var actor = await TryActivateAsync(item).ConfigureAwait(false);
                    if (actor is not null)
                    {
                        await RunAskAsync(actor, item).ConfigureAwait(false);
                    }

                    break;
                }

            case ActorTimer timer:
                {
                    var actor = _actor;
                    if (timer.IsDisposed || actor is null || !ReferenceEquals(timer.Owner, actor))
                    {
                        timer.TickCompleted();
                        break;
                    }

                    await RunTimerTurnAsync(actor, timer).ConfigureAwait(false);
                    break;
                }

            case DeactivationRequest request:
                await HandleDeactivationRequestAsync(request).ConfigureAwait(false);
                break;

            default:
                throw new InvalidOperationException($"Unexpected message {message.GetType()} in a mailbox.");
        }
    }

    private async ValueTask<TActor?> TryActivateAsync(ActorWorkItem<TActor>? item)
    {
        if (_actor is not null)
        {
            return _actor;
        }

        TActor? actor = null;
        try
        {
            actor = _host.Factory(Key) ?? throw new InvalidOperationException("The actor factory returned null.");
            actor.Attach(this);
            await actor.OnActivateAsync(item?.CancellationToken ?? CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            actor?.Detach();
            _host.CountActivationFailure();
            _host.Log.ActivationFailed(e, Key);
            item?.Fail(e);
            return null;
        }

        _actor = actor;
        _host.CountActivation();
        using (Gate())
        {
            _lastActivityTicks = _host.NowTicks();
            if (!_inIdleWheel)
            {
                ScheduleIdleCheck(_lastActivityTicks + _host.IdleTimeoutTicks);
            }
        }

        return actor;
    }

    private async ValueTask RunAskAsync(TActor actor, ActorWorkItem<TActor> item)
    {
        // A call's activity time is its turn's start: a caller that saw the result sees that time too,
        // which keeps idle detection exact under a manual clock. One clock read serves both uses.
        var started = _host.TimeProvider.GetTimestamp();
        Volatile.Write(ref _lastActivityTicks, _host.TicksSinceOrigin(started));
        Exception? failure = null;
        try
        {
            await item.ExecuteAsync(actor).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
        }

        // Counted before the caller hears: a caller that saw its answer also sees its turn in the counters.
        _host.CountTurn(started, failed: failure is not null);
        if (failure is null)
        {
            item.Complete();
        }
        else
        {
            item.Fail(failure);
        }

        if (actor.DeactivationRequested)
        {
            await DeactivateAsync(ActorDeactivationReason.Requested, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>A one-way call's turn; completes synchronously, without an async state machine, when the call does.</summary>
    private ValueTask RunTellAsync(TActor actor, Func<TActor, CancellationToken, ValueTask> tell)
    {
        var started = _host.TimeProvider.GetTimestamp();
        Volatile.Write(ref _lastActivityTicks, _host.TicksSinceOrigin(started));
        ValueTask turn;
        try
        {
            turn = tell(actor, CancellationToken.None);
        }
        catch (Exception e)
        {
            turn = ValueTask.FromException(e);
        }

        if (turn.IsCompletedSuccessfully && !actor.DeactivationRequested)
        {
            turn.GetAwaiter().GetResult();
            _host.CountTurn(started, failed: false);
            return ValueTask.CompletedTask;
        }

        return FinishTellAsync(actor, turn, started);
    }

    private async ValueTask FinishTellAsync(TActor actor, ValueTask turn, long started)
    {
        try
        {
            await turn.ConfigureAwait(false);
            _host.CountTurn(started, failed: false);
        }
        catch (Exception e)
        {
            _host.CountTurn(started, failed: true);
            _host.Log.TurnFailed(e, Key);
        }

        if (actor.DeactivationRequested)
        {
            await DeactivateAsync(ActorDeactivationReason.Requested, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async ValueTask RunTimerTurnAsync(TActor actor, ActorTimer timer)
    {
        var started = _host.TimeProvider.GetTimestamp();
        if (timer.KeepAlive)
        {
            Volatile.Write(ref _lastActivityTicks, _host.TicksSinceOrigin(started));
        }

        try
        {
            await timer.Callback(CancellationToken.None).ConfigureAwait(false);
            _host.CountTurn(started, failed: false);
        }
        catch (Exception e)
        {
            _host.CountTurn(started, failed: true);
            _host.Log.TimerFailed(e, Key);
        }
        finally
        {
            timer.TickCompleted();
        }

        if (actor.DeactivationRequested)
        {
            await DeactivateAsync(ActorDeactivationReason.Requested, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async ValueTask HandleDeactivationRequestAsync(DeactivationRequest request)
    {
        try
        {
            if (request.Reason == ActorDeactivationReason.Idle && !StillIdle())
            {
                return;
            }

            if (_actor is not null)
            {
                await DeactivateAsync(request.Reason, request.CancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            request.Complete();
        }
    }

    /// <summary>Whether the idle request now at the head may go ahead; if not, the cell goes back to the wheel.</summary>
    private bool StillIdle()
    {
        using (Gate())
        {
            _idleRequestQueued = false;
            if (_actor is null)
            {
                return false;
            }

            var now = _host.NowTicks();
            if (now - _lastActivityTicks < _host.IdleTimeoutTicks || HasQueuedCalls())
            {
                // A call came between the idle scan and this turn: not idle after all.
                if (!_inIdleWheel)
                {
                    ScheduleIdleCheck(Math.Max(_lastActivityTicks, now) + _host.IdleTimeoutTicks);
                }

                return false;
            }

            return true;
        }
    }

    private bool HasQueuedCalls()
    {
        for (var i = 0; i < _count; i++)
        {
            var message = _mailbox is object?[] ring ? ring[(_head + i) % ring.Length] : _mailbox;
            if (message is not (ActorTimer or DeactivationRequest))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask DeactivateAsync(ActorDeactivationReason reason, CancellationToken ct)
    {
        var actor = _actor!;
        actor.Detach();
        try
        {
            await actor.OnDeactivateAsync(reason, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _host.Log.DeactivationFailed(e, Key, reason);
        }

        _actor = null;
        _host.CountDeactivation();
    }

    private bool StartIfIdle()
    {
        if (_running)
        {
            return false;
        }

        _running = true;
        return true;
    }

    private void ScheduleIdleCheck(long dueTicks)
    {
        if (_host.IdleWheel is { } wheel)
        {
            _inIdleWheel = true;
            wheel.Schedule(this, dueTicks);
        }
    }

    private GateScope Gate()
    {
        if (Interlocked.CompareExchange(ref _gate, 1, 0) != 0)
        {
            WaitForGate();
        }

        return new GateScope(this);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void WaitForGate()
    {
        // SpinWait yields and then sleeps, so a holder preempted on a loaded machine gets the core back.
        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce();
        }
        while (Volatile.Read(ref _gate) != 0 || Interlocked.CompareExchange(ref _gate, 1, 0) != 0);
    }

    private void Push(object message)
    {
        if (_count == 0)
        {
            _mailbox = message;
            _count = 1;
            return;
        }

        if (_mailbox is not object?[] ring)
        {
            // A second message: the single one moves into a ring.
            ring = new object?[InitialMailboxSize];
            ring[0] = _mailbox;
            _head = 0;
            _mailbox = ring;
        }
        else if (_count == ring.Length)
        {
            var grown = new object?[ring.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                grown[i] = ring[(_head + i) % ring.Length];
            }

            _head = 0;
            _mailbox = ring = grown;
        }

        ring[(_head + _count) % ring.Length] = message;
        _count++;
    }

    private object Pop()
    {
        if (_mailbox is not object?[] ring)
        {
            var single = _mailbox!;
            _mailbox = null;
            _count = 0;
            return single;
        }

        var message = ring[_head]!;
        ring[_head] = null;
        _head = (_head + 1) % ring.Length;
        _count--;
        if (_count == 0)
        {
            // Drained: give the ring back rather than keep it for every quiet actor.
            _head = 0;
            _mailbox = null;
        }

        return message;
    }

    private void MovePendingSendsIn()
    {
        var pending = _pendingSends;
        if (pending is null)
        {
            return;
        }

        while (_count < _host.Options.MailboxCapacity && pending.TryDequeue(out var send))
        {
            if (send.Task.IsCompleted)
            {
                continue; // cancelled while parked
            }

            Push(send.Message);
            _host.MailboxDepth.Increment();
            send.Registration.Unregister();
            send.TrySetResult();
        }

        if (pending.Count == 0)
        {
            _pendingSends = null;
        }
    }

    /// <summary>Holds the cell's gate for a <c>using</c> block.</summary>
    private readonly ref struct GateScope(ActorCell<TActor> cell)
    {
        public void Dispose() => Volatile.Write(ref cell._gate, 0);
    }
}
