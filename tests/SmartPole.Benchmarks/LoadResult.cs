namespace SmartPole.Benchmarks;

/// <summary>What one broker case measured (rates per second of the window; latencies in ms; broker CPU in cores).</summary>
internal sealed record LoadResult(
    double PublishedPerSecond,
    double DeliveredPerSecond,
    double LatencyP50Ms,
    double LatencyP99Ms,
    double BrokerCores,
    int Errors,
    int Stalls,
    string? FirstError);
