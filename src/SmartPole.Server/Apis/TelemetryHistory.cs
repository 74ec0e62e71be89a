namespace SmartPole.Server.Apis;

/// <summary>One metric's history as the telemetry endpoint answers it.</summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="Device">Device id.</param>
/// <param name="Kind">Wire name of the device's kind (the store's measurement).</param>
/// <param name="Metric">Metric name.</param>
/// <param name="Unit">Unit symbol from the metric catalog, empty when unitless.</param>
/// <param name="From">Start of the range (inclusive).</param>
/// <param name="To">End of the range (exclusive).</param>
/// <param name="Every">Window length, e.g. <c>30s</c>, <c>5m</c>, <c>1h</c>.</param>
/// <param name="EverySeconds">Window length in seconds.</param>
/// <param name="Aggregate">How each window is reduced (<c>mean</c>).</param>
/// <param name="Points">One point per window that holds data, stamped with the window's start, in time order.</param>
internal sealed record TelemetryHistory(
    string City, string Pole, string Device, string Kind, string Metric, string Unit,
    DateTimeOffset From, DateTimeOffset To, string Every, long EverySeconds, string Aggregate, IReadOnlyList<TelemetryPoint> Points);
