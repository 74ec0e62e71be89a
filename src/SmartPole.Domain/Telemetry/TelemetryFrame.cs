namespace SmartPole.Domain.Telemetry;

/// <summary>What a pole reports at once: a timestamp, a per-pole sequence number and its devices' readings.</summary>
/// <param name="Timestamp">When the pole measured (<c>ts</c>).</param>
/// <param name="Seq">Per-pole sequence number (<c>seq</c>), increasing by one per frame.</param>
/// <param name="Devices">The readings that passed validation.</param>
public sealed record TelemetryFrame(DateTimeOffset Timestamp, long Seq, IReadOnlyList<DeviceReading> Devices);
