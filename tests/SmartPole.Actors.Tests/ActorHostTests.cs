using SmartPole.Testing;

namespace SmartPole.Actors.Tests;

public sealed class ActorHostTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _directory = new("actors");
    private readonly ActorProbe _probe = new();
    private readonly FileActorStateStore _store;

    public ActorHostTests() => _store = new FileActorStateStore(_directory.Path);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Turns_of_one_actor_never_overlap_under_64_concurrent_callers()
    {
        await using var host = NewHost();
        const int callers = 64;
        const int callsEach = 200;
        var start = ActorProbe.NewSignal();

        var tasks = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < callsEach; i++)
            {
                await host.AskAsync("pole-1", static async (actor, _) =>
                {
                    actor.Enter();
                    var before = actor.Count;
                    await Task.Yield(); // leave the thread mid-turn, so an overlapping turn would have time to run
                    actor.Count = before + 1;
                    actor.Exit();
                    return actor.Count;
                });
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(tasks).WaitAsync(Timeout);
        var (count, overlaps) = await host.AskAsync("pole-1", static (actor, _) => ValueTask.FromResult((actor.Count, actor.Overlaps)));

        Assert.Equal(0, overlaps);
        Assert.Equal(callers * callsEach, count);
        Assert.Equal(1, host.Counters.Activations);
    }

    [Fact]
    public async Task Two_different_actors_are_inside_a_turn_at_the_same_moment()
    {
        await using var host = NewHost();
        using var barrier = new Barrier(2);

        // Each turn blocks its thread until the other actor's turn arrives too: with one global lock
        // or one thread for all actors the second turn could never start and both would time out.
        var first = host.AskAsync("pole-a", (_, _) => ValueTask.FromResult(barrier.SignalAndWait(Timeout, CancellationToken.None)));
        var second = host.AskAsync("pole-b", (_, _) => ValueTask.FromResult(barrier.SignalAndWait(Timeout, CancellationToken.None)));
        var met = await Task.WhenAll(first.AsTask(), second.AsTask()).WaitAsync(Timeout * 2);

        Assert.Equal([true, true], met);
    }

    [Fact]
    public async Task Racing_first_calls_create_one_activation()
    {
        var gate = ActorProbe.NewSignal();
        _probe.ActivationGate = gate.Task;
        await using var host = NewHost();
        var start = ActorProbe.NewSignal();

        var calls = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await host.AskAsync("pole-1", static (actor, _) => ValueTask.FromResult(actor.Instance));
        })).ToArray();
        start.SetResult();
        gate.SetResult();
        var instances = await Task.WhenAll(calls).WaitAsync(Timeout);

        Assert.All(instances, instance => Assert.Equal(1, instance));
        Assert.Equal(1, _probe.Instances);
        Assert.Equal(1, host.Counters.Activations);
        Assert.Equal(1, host.ActiveCount);
    }

    [Fact]
    public async Task Calls_racing_with_deactivation_are_never_lost_and_never_meet_two_activations()
    {
        await using var host = NewHost();
        const int callers = 16;
        const int callsEach = 100;
        var start = ActorProbe.NewSignal();

        // Every tenth call asks for deactivation, so calls keep arriving while the cell leaves the table.
        var tasks = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < callsEach; i++)
            {
                var deactivate = i % 10 == caller % 10;
                await host.AskAsync("pole-1", (actor, _) =>
                {
                    actor.Count++;
                    if (deactivate)
                    {
                        actor.DeactivateAfterThisTurn();
                    }

                    return ValueTask.FromResult(0);
                });
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(tasks).WaitAsync(Timeout);
        var count = await host.AskAsync("pole-1", static (actor, _) => ValueTask.FromResult(actor.Count));

        Assert.Equal(callers * callsEach, count);
        Assert.Equal(1, _probe.MaxLive);
        Assert.True(host.Counters.Activations > 10, $"only {host.Counters.Activations} activations: the race was not exercised");
    }

    [Fact]
    public async Task An_idle_actor_is_deactivated_and_the_next_call_restores_its_state()
    {
        var clock = new ManualTimeProvider();
        await using var host = NewHost(clock, idleTimeout: TimeSpan.FromMinutes(15));
        for (var i = 0; i < 3; i++)
        {
            await host.AskAsync("pole-1", Increment);
        }

        clock.Advance(TimeSpan.FromMinutes(17));
        await _probe.Deactivated.Task.WaitAsync(Timeout);
        var afterReactivation = await host.AskAsync("pole-1", Increment);

        Assert.Equal([("pole-1", ActorDeactivationReason.Idle)], _probe.Deactivations);
        Assert.Equal(4, afterReactivation);
        Assert.Equal(2, _probe.Instances);
        Assert.Equal(2, host.Counters.Activations);
        Assert.Equal(1, host.Counters.Deactivations);
    }

    [Fact]
    public async Task An_actor_that_keeps_getting_calls_is_not_deactivated()
    {
        var clock = new ManualTimeProvider();
        await using var host = NewHost(clock, idleTimeout: TimeSpan.FromMinutes(15));
        await host.AskAsync("pole-1", Increment);

        for (var i = 0; i < 6; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(10));
            await host.AskAsync("pole-1", Increment);
        }

        // The calls above ran after anything the idle scan queued, so a wrong deactivation would show.
        Assert.Empty(_probe.Deactivations);
        Assert.Equal(1, host.Counters.Activations);
        Assert.Equal(7, await host.AskAsync("pole-1", static (actor, _) => ValueTask.FromResult(actor.Count)));
    }

    [Fact]
    public async Task A_call_arriving_during_deactivation_waits_and_goes_to_the_new_activation()
    {
        var clock = new ManualTimeProvider();
        var release = ActorProbe.NewSignal();
        _probe.DeactivationGate = release.Task;
        await using var host = NewHost(clock, idleTimeout: TimeSpan.FromMinutes(1), granularity: TimeSpan.FromSeconds(10));
        await host.AskAsync("pole-1", Increment);
        clock.Advance(TimeSpan.FromMinutes(2));
        await _probe.DeactivationStarted.Task.WaitAsync(Timeout);

        var call = host.AskAsync("pole-1", static (actor, _) => ValueTask.FromResult((actor.Instance, actor.Count + 1))).AsTask();
        var completedDuringDeactivation = call.IsCompleted;
        release.SetResult();
        var (instance, count) = await call.WaitAsync(Timeout);

        Assert.False(completedDuringDeactivation);
        Assert.Equal(2, instance);
        Assert.Equal(2, count);
        Assert.Equal(["activate pole-1 #1", "deactivate pole-1 #1 Idle", "activate pole-1 #2"], _probe.Events);
    }

    [Fact]
    public async Task Shutdown_deactivates_and_saves_every_actor()
    {
        var host = NewHost();
        var keys = Enumerable.Range(0, 100).Select(i => $"pole-{i}").ToArray();
        foreach (var key in keys)
        {
            host.TryTell(key, static (actor, _) =>
            {
                actor.Count = actor.Key.Length;
                return ValueTask.CompletedTask;
            });
        }

        await host.DeactivateAllAsync().WaitAsync(Timeout);

        Assert.Equal(0, host.ActiveCount);
        Assert.Equal(100, _probe.Deactivations.Count);
        Assert.All(_probe.Deactivations, d => Assert.Equal(ActorDeactivationReason.Shutdown, d.Reason));
        foreach (var key in keys)
        {
            var saved = await _store.ReadAsync(nameof(CounterActor), key, CancellationToken.None);
            Assert.Equal(key.Length, BitConverter.ToInt32(saved));
        }

        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_full_mailbox_pushes_back_until_a_turn_makes_room()
    {
        await using var host = NewHost(capacity: 2);
        var (blocking, release) = await HoldInTurnAsync(host);

        var firstFits = host.TryTell("pole-1", Recorder("a"));
        var secondFits = host.TryTell("pole-1", Recorder("b"));
        var thirdFits = host.TryTell("pole-1", Recorder("c"));
        var waiting = host.TellAsync("pole-1", Recorder("d")).AsTask();
        var waitedWhileFull = !waiting.IsCompleted;
        release.SetResult();
        await blocking.WaitAsync(Timeout);
        await waiting.WaitAsync(Timeout);
        await host.AskAsync("pole-1", static (_, _) => ValueTask.FromResult(0));

        Assert.True(firstFits);
        Assert.True(secondFits);
        Assert.False(thirdFits);
        Assert.True(waitedWhileFull);
        Assert.Equal(["activate pole-1 #1", "a", "b", "d"], _probe.Events);
    }

    [Fact]
    public async Task Counters_report_queued_calls_active_actors_and_turn_time()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        await using var host = NewHost(clock);
        var (blocking, release) = await HoldInTurnAsync(host);

        host.TryTell("pole-1", Recorder("a"));
        host.TryTell("pole-1", Recorder("b"));
        var whileBlocked = host.Counters;
        clock.Advance(TimeSpan.FromMilliseconds(250));
        release.SetResult();
        await blocking.WaitAsync(Timeout);
        await host.AskAsync("pole-1", static (_, _) => ValueTask.FromResult(0));
        var after = host.Counters;

        Assert.Equal(2, whileBlocked.MailboxDepth);
        Assert.Equal(0, after.MailboxDepth);
        Assert.Equal(1, after.ActiveActors);
        Assert.Equal(4, after.Turns);
        Assert.Equal(TimeSpan.FromMilliseconds(250), after.MaxTurnTime);
        Assert.Equal(TimeSpan.FromMilliseconds(250), after.TotalTurnTime);
    }

    [Fact]
    public async Task A_sender_waiting_on_a_full_mailbox_can_give_up()
    {
        await using var host = NewHost(capacity: 1);
        var (blocking, release) = await HoldInTurnAsync(host);
        host.TryTell("pole-1", Recorder("a"));
        using var cts = new CancellationTokenSource();

        var waiting = host.TellAsync("pole-1", Recorder("never"), cts.Token).AsTask();
        await cts.CancelAsync();
        var outcome = await Record.ExceptionAsync(() => waiting.WaitAsync(Timeout));
        release.SetResult();
        await blocking.WaitAsync(Timeout);
        await host.AskAsync("pole-1", static (_, _) => ValueTask.FromResult(0));

        Assert.IsType<TaskCanceledException>(outcome);
        Assert.Equal(["activate pole-1 #1", "a"], _probe.Events);
    }

    [Fact]
    public async Task An_exception_in_a_turn_does_not_break_the_next()
    {
        await using var host = NewHost();
        await host.AskAsync("pole-1", Increment);

        host.TryTell("pole-1", static (_, _) => throw new InvalidOperationException("one-way boom"));
        var askFailure = await Record.ExceptionAsync(async () =>
            await host.AskAsync<int>("pole-1", static (_, _) => throw new InvalidOperationException("request boom")));
        var next = await host.AskAsync("pole-1", Increment);

        Assert.Equal("request boom", Assert.IsType<InvalidOperationException>(askFailure).Message);
        Assert.Equal(2, next);
        Assert.Equal(2, host.Counters.FailedTurns);
        Assert.Equal(4, host.Counters.Turns);
        Assert.Equal(1, host.Counters.Activations);
    }

    [Fact]
    public async Task A_failing_activation_fails_that_call_and_the_next_call_tries_again()
    {
        _probe.FailActivations = 1;
        await using var host = NewHost();

        var failure = await Record.ExceptionAsync(async () => await host.AskAsync("pole-1", Increment));
        var next = await host.AskAsync("pole-1", Increment);

        Assert.Equal("activation refused by the test", Assert.IsType<InvalidOperationException>(failure).Message);
        Assert.Equal(1, next);
        Assert.Equal(1, host.Counters.ActivationFailures);
        Assert.Equal(1, host.Counters.Activations);
        Assert.Equal(1, host.ActiveCount);
    }

    [Fact]
    public async Task Timer_ticks_run_as_turns_and_never_overlap_a_call()
    {
        var clock = new ManualTimeProvider();
        await using var host = NewHost(clock);
        await host.AskAsync("pole-1", static (actor, _) =>
        {
            actor.StartTimer(
                _ =>
                {
                    actor.Enter();
                    actor.Probe.Events.Enqueue("tick");
                    actor.Exit();
                    return Task.CompletedTask;
                },
                TimeSpan.FromSeconds(1),
                TimeSpan.FromSeconds(1),
                keepAlive: false);
            return ValueTask.FromResult(0);
        });
        var entered = ActorProbe.NewSignal();
        var release = ActorProbe.NewSignal();
        var call = host.AskAsync("pole-1", async (actor, _) =>
        {
            actor.Enter();
            actor.Probe.Events.Enqueue("call starts");
            entered.SetResult();
            await release.Task;
            actor.Probe.Events.Enqueue("call ends");
            actor.Exit();
            return 0;
        });
        await entered.Task.WaitAsync(Timeout);

        clock.Advance(TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1)); // due while the first tick still waits: skipped, not piled up
        release.SetResult();
        await call.AsTask().WaitAsync(Timeout);
        var overlaps = await host.AskAsync("pole-1", static (actor, _) => ValueTask.FromResult(actor.Overlaps));

        Assert.Equal(0, overlaps);
        Assert.Equal(["activate pole-1 #1", "call starts", "call ends", "tick"], _probe.Events);
    }

    [Fact]
    public async Task Timers_do_not_keep_an_actor_alive_unless_asked_to()
    {
        var clock = new ManualTimeProvider();
        await using var host = NewHost(clock, idleTimeout: TimeSpan.FromMinutes(5));
        using var keptTicked = new SemaphoreSlim(0);
        foreach (var (key, keepAlive) in new[] { ("quiet", false), ("kept", true) })
        {
            await host.AskAsync(key, (actor, _) =>
            {
                actor.StartTimer(
                    _ =>
                    {
                        if (keepAlive)
                        {
                            keptTicked.Release();
                        }

                        return Task.CompletedTask;
                    },
                    TimeSpan.FromMinutes(1),
                    TimeSpan.FromMinutes(1),
                    keepAlive);
                return ValueTask.FromResult(0);
            });
        }

        for (var minute = 0; minute < 12; minute++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.True(await keptTicked.WaitAsync(Timeout), "the keep-alive timer stopped ticking");
        }

        await _probe.Deactivated.Task.WaitAsync(Timeout);
        var keptInstance = await host.AskAsync("kept", static (actor, _) => ValueTask.FromResult(actor.Instance));

        Assert.Equal([("quiet", ActorDeactivationReason.Idle)], _probe.Deactivations);
        Assert.Equal(2, keptInstance);
        Assert.Equal(2, host.Counters.Activations);
    }

    [Fact]
    public async Task DeactivateOnIdle_deactivates_after_the_turn_and_the_next_call_reactivates()
    {
        await using var host = NewHost();
        await host.AskAsync("pole-1", static (actor, _) =>
        {
            actor.Count = 41;
            actor.DeactivateAfterThisTurn();
            return ValueTask.FromResult(0);
        });

        var next = await host.AskAsync("pole-1", Increment);

        Assert.Equal([("pole-1", ActorDeactivationReason.Requested)], _probe.Deactivations);
        Assert.Equal(42, next);
        Assert.Equal(2, _probe.Instances);
    }

    [Fact]
    public async Task A_disposed_host_refuses_calls()
    {
        var host = NewHost();
        await host.AskAsync("pole-1", Increment);

        await host.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => host.TryTell("pole-1", Recorder("late")));
        Assert.Equal([("pole-1", ActorDeactivationReason.Shutdown)], _probe.Deactivations);
    }

    /// <summary>Puts pole-1 inside a turn that lasts until <c>Release</c> is set; returns once the turn has begun.</summary>
    private static async Task<(Task<int> Blocking, TaskCompletionSource Release)> HoldInTurnAsync(ActorHost<CounterActor> host)
    {
        var entered = ActorProbe.NewSignal();
        var release = ActorProbe.NewSignal();
        var blocking = host.AskAsync("pole-1", async (_, _) =>
        {
            entered.SetResult();
            await release.Task;
            return 0;
        }).AsTask();
        await entered.Task.WaitAsync(Timeout);
        return (blocking, release);
    }

    private static ValueTask<int> Increment(CounterActor actor, CancellationToken ct) => ValueTask.FromResult(++actor.Count);

    private static Func<CounterActor, CancellationToken, ValueTask> Recorder(string what) => (actor, _) =>
    {
        actor.Probe.Events.Enqueue(what);
        return ValueTask.CompletedTask;
    };

    private ActorHost<CounterActor> NewHost(
        TimeProvider? clock = null,
        TimeSpan? idleTimeout = null,
        TimeSpan? granularity = null,
        int capacity = 1024) =>
        new(
            _ => new CounterActor(_probe, _store),
            new ActorHostOptions
            {
                IdleTimeout = idleTimeout ?? TimeSpan.FromMinutes(15),
                IdleScanGranularity = granularity ?? TimeSpan.FromMinutes(1),
                MailboxCapacity = capacity,
            },
            timeProvider: clock);
}
