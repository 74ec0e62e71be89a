namespace SmartPole.Domain.Telemetry;

/// <summary>One metric of a device reading.</summary>
/// <param name="Name">Wire name (the catalog's string instance for known metrics).</param>
/// <param name="Value">Typed value.</param>
/// <param name="Known">False for a metric the catalog does not know for this kind (kept as float).</param>
public readonly record struct Metric(string Name, MetricValue Value, bool Known = true);
