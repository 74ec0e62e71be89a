using SmartPole.Simulation.Fleet;

namespace SmartPole.Simulation.Tests;

public sealed class AckPlanTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    public void Over_many_commands_the_failure_share_matches_the_rate_and_the_delay_averages_the_latency(double rate)
    {
        var latency = TimeSpan.FromMilliseconds(400);

        var plans = Enumerable.Range(0, 20_000).Select(i => AckPlan.Decide(1, "ft-001", $"cmd-{i}", rate, latency)).ToList();

        Assert.InRange(plans.Count(p => p.Fail) / (double)plans.Count, rate - 0.015, rate + 0.015);
        Assert.All(plans, p => Assert.InRange(p.Delay, latency / 2, latency * 1.5));
        Assert.InRange(plans.Average(p => p.Delay.TotalMilliseconds), 390, 410);
    }

    [Fact]
    public void The_plan_is_a_function_of_seed_pole_and_command_and_zero_latency_answers_at_once()
    {
        var latency = TimeSpan.FromSeconds(1);

        var once = AckPlan.Decide(3, "ft-001", "c-1", 0.5, latency);
        var again = AckPlan.Decide(3, "ft-001", "c-1", 0.5, latency);
        var others = Enumerable.Range(4, 20).Select(seed => AckPlan.Decide(seed, "ft-001", "c-1", 0.5, latency)).ToList();

        Assert.Equal(once, again);
        Assert.Contains(others, p => p != once);
        Assert.Equal(TimeSpan.Zero, AckPlan.Decide(3, "ft-001", "c-1", 0.5, TimeSpan.Zero).Delay);
    }
}
