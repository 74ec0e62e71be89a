namespace SmartPole.Domain.Telemetry;

/// <summary>One device's reading in one frame: a <em>line</em> in InfluxDB terms.</summary>
/// <param name="DeviceId">Device id on its pole, e.g. <c>lamp-1</c>.</param>
/// <param name="Kind">Device kind.</param>
/// <param name="Metrics">Metric values (each a <em>data point</em>).</param>
public sealed record DeviceReading(string DeviceId, DeviceKind Kind, IReadOnlyList<Metric> Metrics);
