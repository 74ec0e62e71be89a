namespace SmartPole.Telemetry;

/// <summary>Accepts points from the hot path and makes them durable in a time-series store.</summary>
public interface ITimeSeriesWriter : IAsyncDisposable
{
    /// <summary>
    /// Enqueues <paramref name="point"/> without blocking. Never throws for a full buffer: beyond its
    /// memory bound a writer spills to disk, and beyond its disk quota it drops the oldest and counts them.
    /// </summary>
    void Write(PointData point);

    /// <summary>
    /// Enqueues <paramref name="points"/> in order, as <see cref="Write(PointData)"/> would one by one; a writer may
    /// take them in one step (one lock instead of one per point). Used for all the points of one frame.
    /// </summary>
    void Write(ReadOnlySpan<PointData> points)
    {
        foreach (var point in points)
        {
            Write(point);
        }
    }

    /// <summary>Completes once every point enqueued before the call is durable in the store or spilled to disk.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>A snapshot of the writer's counters.</summary>
    TimeSeriesWriterCounters Counters { get; }
}
