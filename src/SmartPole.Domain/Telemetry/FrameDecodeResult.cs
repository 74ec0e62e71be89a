namespace SmartPole.Domain.Telemetry;

/// <summary>The outcome of decoding one telemetry payload.</summary>
public sealed class FrameDecodeResult
{
    /// <summary>The frame, when the payload was a frame at all; null with <see cref="Error"/> set otherwise.</summary>
    public TelemetryFrame? Frame { get; init; }

    /// <summary>Why the whole payload was refused (bad JSON, missing ts/seq), or null.</summary>
    public string? Error { get; init; }

    /// <summary>Readings refused one by one (unknown kind, wrong value type) while the rest went on.</summary>
    public IReadOnlyList<RejectedReading> Rejected { get; init; } = [];

    /// <summary>How many metrics the catalog did not know for their kind (kept as float).</summary>
    public int UnknownMetrics { get; init; }
}
