namespace SmartPole.Benchmarks;

/// <summary>One benchmark scenario: runs <see cref="BenchmarkSettings.Runs"/> times and records its figures.</summary>
internal interface IScenario
{
    /// <summary>The name used on the command line.</summary>
    string Name { get; }

    /// <summary>Runs every run of the scenario, recording each run's figures in <paramref name="report"/>.</summary>
    Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct);
}
