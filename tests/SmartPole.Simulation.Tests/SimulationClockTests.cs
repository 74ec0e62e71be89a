using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Simulation.Tests;

public sealed class SimulationClockTests
{
    [Fact]
    public void At_speed_60_one_real_minute_is_one_simulated_hour()
    {
        var real = new ManualTimeProvider(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero));
        var clock = new SimulationClock(real, speed: 60, simulatedStart: new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero));

        real.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero), clock.Now);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 1, 0, TimeSpan.Zero), clock.RealNow);
    }

    [Fact]
    public void At_speed_1_it_is_the_real_clock()
    {
        var real = new ManualTimeProvider();
        var clock = new SimulationClock(real);

        real.Advance(TimeSpan.FromSeconds(42));

        Assert.Equal(real.GetUtcNow(), clock.Now);
    }

    [Fact]
    public void A_speed_of_zero_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulationClock(speed: 0));
    }
}
