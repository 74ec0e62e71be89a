using SmartPole.Domain.Telemetry;

namespace SmartPole.Domain.Poles;

/// <summary>The latest value of one metric and when it was measured.</summary>
/// <param name="Value">Value.</param>
/// <param name="Timestamp">Measurement time (the frame's <c>ts</c>).</param>
public readonly record struct MetricReading(MetricValue Value, DateTimeOffset Timestamp);
