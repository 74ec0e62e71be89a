namespace SmartPole.Domain.Poles;

/// <summary>A device's latest readings, as the API and the live feed show them.</summary>
/// <param name="Id">Device id.</param>
/// <param name="Kind">Wire name of the kind.</param>
/// <param name="Timestamp">Time of the latest reading.</param>
/// <param name="Metrics">Latest value per metric: bool, long or double.</param>
public sealed record DeviceSnapshot(string Id, string Kind, DateTimeOffset Timestamp, IReadOnlyDictionary<string, object> Metrics);
