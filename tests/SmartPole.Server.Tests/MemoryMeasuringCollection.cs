namespace SmartPole.Server.Tests;

/// <summary>
/// Tests that read the process's managed heap: they run alone, after the parallel ones, since another test's
/// allocations would otherwise be counted as theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringCollection
{
    public const string Name = "Measures the managed heap";
}
