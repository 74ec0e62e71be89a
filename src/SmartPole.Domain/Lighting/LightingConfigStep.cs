namespace SmartPole.Domain.Lighting;

/// <summary>A dim level from a local time on (<c>{"at":"HH:mm","dimPct"}</c> in the config).</summary>
/// <param name="At">Local time.</param>
/// <param name="DimPct">Dim level 0..100.</param>
public sealed record LightingConfigStep(TimeOnly At, double DimPct);
