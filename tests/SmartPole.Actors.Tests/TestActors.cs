using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace SmartPole.Actors.Tests;

/// <summary>What the test actors did, shared between a test and the actors its host creates.</summary>
internal sealed class ActorProbe
{
    public static readonly TimeSpan GateTimeout = TimeSpan.FromSeconds(10);

    private int _instances;

    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentQueue<(string Key, ActorDeactivationReason Reason)> Deactivations { get; } = new();

    public TaskCompletionSource Deactivated { get; set; } = NewSignal();

    /// <summary>When set, OnActivateAsync awaits it (to line up racing first calls).</summary>
    public Task? ActivationGate { get; set; }

    /// <summary>When set, OnDeactivateAsync signals <see cref="DeactivationStarted"/> and awaits it.</summary>
    public Task? DeactivationGate { get; set; }

    public TaskCompletionSource DeactivationStarted { get; } = NewSignal();

    public int FailActivations;

    /// <summary>Activations alive now (between OnActivateAsync and the end of OnDeactivateAsync), and the most ever seen at once.</summary>
    public int Live;

    public int MaxLive;

    public int Instances => Volatile.Read(ref _instances);

    public int NextInstance() => Interlocked.Increment(ref _instances);

    public static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>An actor with a counter it restores and saves through a state store.</summary>
internal sealed class CounterActor(ActorProbe probe, IActorStateStore store) : Actor
{
    private int _inTurn;

    public int Instance { get; } = probe.NextInstance();

    public int Count { get; set; }

    public int Overlaps { get; private set; }

    public ActorProbe Probe => probe;

    public void DeactivateAfterThisTurn() => DeactivateOnIdle();

    public IDisposable StartTimer(Func<CancellationToken, Task> callback, TimeSpan due, TimeSpan period, bool keepAlive) =>
        RegisterTimer(callback, due, period, keepAlive);

    /// <summary>Marks a turn's start; an overlapping turn of this actor would see the marker set.</summary>
    public void Enter()
    {
        if (Interlocked.Increment(ref _inTurn) != 1)
        {
            Overlaps++;
        }
    }

    public void Exit() => Interlocked.Decrement(ref _inTurn);

    protected internal override async Task OnActivateAsync(CancellationToken ct)
    {
        probe.Events.Enqueue($"activate {Key} #{Instance}");
        if (probe.ActivationGate is { } gate)
        {
            await gate.WaitAsync(ActorProbe.GateTimeout, CancellationToken.None); // a failed test must not leave its host hanging
        }

        if (Interlocked.Decrement(ref probe.FailActivations) >= 0)
        {
            throw new InvalidOperationException("activation refused by the test");
        }

        var live = Interlocked.Increment(ref probe.Live);
        InterlockedMax(ref probe.MaxLive, live);
        var saved = await store.ReadAsync(nameof(CounterActor), Key, ct);
        Count = saved is null ? 0 : BinaryPrimitives.ReadInt32LittleEndian(saved);
    }

    protected internal override async Task OnDeactivateAsync(ActorDeactivationReason reason, CancellationToken ct)
    {
        probe.Events.Enqueue($"deactivate {Key} #{Instance} {reason}");
        if (probe.DeactivationGate is { } gate)
        {
            probe.DeactivationStarted.TrySetResult();
            await gate.WaitAsync(ActorProbe.GateTimeout, CancellationToken.None);
        }

        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, Count);
        await store.WriteAsync(nameof(CounterActor), Key, bytes, ct);
        probe.Deactivations.Enqueue((Key, reason));
        Interlocked.Decrement(ref probe.Live);
        probe.Deactivated.TrySetResult();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
