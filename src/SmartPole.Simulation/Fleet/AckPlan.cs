using SmartPole.Simulation.Models;

namespace SmartPole.Simulation.Fleet;

/// <summary>
/// Decides, for each command, whether the simulated device fails it and how long it takes to answer:
/// a pure function of (seed, pole, command id), so a run is reproducible and the odds are testable.
/// </summary>
internal static class AckPlan
{
    /// <summary>
    /// Fails with probability <paramref name="failureRate"/>; answers after a delay drawn uniformly
    /// from [½, 1½] × <paramref name="latency"/> (mean <paramref name="latency"/>, zero stays zero).
    /// </summary>
    public static (bool Fail, TimeSpan Delay) Decide(int seed, string pole, string commandId, double failureRate, TimeSpan latency)
    {
        var hash = SimRandom.Hash((ulong)(uint)seed, SimRandom.StableHash(pole), SimRandom.StableHash(commandId));
        var fail = failureRate > 0 && SimRandom.Unit(SimRandom.Hash(hash, 1)) < failureRate;
        var delay = latency <= TimeSpan.Zero ? TimeSpan.Zero : latency * (0.5 + SimRandom.Unit(SimRandom.Hash(hash, 2)));
        return (fail, delay);
    }
}
