namespace SmartPole.Telemetry;

/// <summary>The answer to an InfluxQL request: the series of every statement, in order (chunks already joined).</summary>
public sealed record InfluxQueryResult(IReadOnlyList<InfluxSeries> Series);
