namespace SmartPole.Benchmarks;

/// <summary>What the command line asked for.</summary>
internal sealed record BenchmarkSettings(int Runs, double Seconds, string OutputDirectory)
{
    /// <summary>The run window as a TimeSpan.</summary>
    public TimeSpan Window => TimeSpan.FromSeconds(Seconds);
}
