namespace SmartPole.Telemetry;

/// <summary>
/// A snapshot of a writer's counters, in points (lines). Every accepted point ends up exactly once in
/// <see cref="Written"/>, <see cref="DeadLettered"/> or <see cref="Dropped"/>, or is still
/// <see cref="Buffered"/> in memory or <see cref="OnDisk"/> in spill segments.
/// </summary>
public sealed record TimeSeriesWriterCounters
{
    /// <summary>Points accepted by <see cref="ITimeSeriesWriter.Write"/> since start.</summary>
    public long Queued { get; init; }

    /// <summary>Points the store confirmed as written.</summary>
    public long Written { get; init; }

    /// <summary>Write requests repeated after a transient failure (connection error, 5xx, 429).</summary>
    public long Retried { get; init; }

    /// <summary>Points put into disk spill segments because the store was unavailable or memory was full.</summary>
    public long Spilled { get; init; }

    /// <summary>Points the store refused for good (bad line, field type conflict), kept with its message.</summary>
    public long DeadLettered { get; init; }

    /// <summary>Points lost on purpose: the oldest spill segments evicted when the disk quota was reached.</summary>
    public long Dropped { get; init; }

    /// <summary>Points held in memory right now (queued, batched or in flight).</summary>
    public long Buffered { get; init; }

    /// <summary>Points waiting in spill segments on disk right now.</summary>
    public long OnDisk { get; init; }
}
