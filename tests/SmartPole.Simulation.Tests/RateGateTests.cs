using SmartPole.Simulation.Fleet;
using SmartPole.Testing;

namespace SmartPole.Simulation.Tests;

public sealed class RateGateTests
{
    [Fact]
    public void Callers_pass_one_slot_apart_however_many_ask_at_once()
    {
        var time = new ManualTimeProvider();
        var gate = new RateGate(10, time);

        var waits = Enumerable.Range(0, 25).Select(_ => gate.WaitAsync(CancellationToken.None)).ToList();
        var atStart = waits.Count(w => w.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var afterOneSecond = waits.Count(w => w.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1.45));
        var afterTwoAndAHalf = waits.Count(w => w.IsCompleted);

        Assert.Equal(1, atStart);
        Assert.Equal(11, afterOneSecond);
        Assert.Equal(25, afterTwoAndAHalf);
    }

    [Fact]
    public void A_gate_left_idle_banks_no_burst()
    {
        var time = new ManualTimeProvider();
        var gate = new RateGate(10, time);
        time.Advance(TimeSpan.FromMinutes(5));

        var waits = Enumerable.Range(0, 5).Select(_ => gate.WaitAsync(CancellationToken.None)).ToList();

        Assert.Equal(1, waits.Count(w => w.IsCompleted));
    }
}
