namespace SmartPole.Telemetry;

/// <summary>Accepts points from the hot path and makes them durable in a time-series store.</summary>
public interface ITimeSeriesWriter : IAsyncDisposable
{
    /// <summary>
    /// Enqueues <paramref name="point"/> without blocking. Never throws for a full buffer: beyond its
    /// memory bound a writer spills to disk, and beyond its disk quota it drops the oldest and counts them.
    /// </summary>
    void Write(PointData point);

    /// <summary>Completes once every point enqueued before the call is durable in the store or spilled to disk.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>A snapshot of the writer's counters.</summary>
    TimeSeriesWriterCounters Counters { get; }
}
