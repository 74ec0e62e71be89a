namespace SmartPole.Domain.Poles;

/// <summary>A device's latest readings as persisted: numbers by metric name (types come back from the catalog).</summary>
/// <param name="Id">Device id.</param>
/// <param name="Kind">Device kind.</param>
/// <param name="Timestamp">Time of the newest reading.</param>
/// <param name="Metrics">Latest value per metric (booleans as 1/0).</param>
public sealed record DeviceState(string Id, DeviceKind Kind, DateTimeOffset Timestamp, IReadOnlyDictionary<string, double> Metrics);
