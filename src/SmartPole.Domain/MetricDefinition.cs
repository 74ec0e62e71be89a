namespace SmartPole.Domain;

/// <summary>One metric of the catalog: its wire name, type, unit and whether it only ever grows.</summary>
/// <param name="Name">Wire name, e.g. <c>powerW</c>.</param>
/// <param name="Type">Value type.</param>
/// <param name="Unit">Unit symbol, empty when unitless.</param>
/// <param name="Cumulative">True for counters that only grow (energy, lamp hours).</param>
public sealed record MetricDefinition(string Name, MetricType Type, string Unit = "", bool Cumulative = false);
