namespace SmartPole.Telemetry;

/// <summary>One value of a series (a raw point or a window's aggregate); null when the field is not numeric.</summary>
public sealed record SeriesSample(DateTimeOffset Time, double? Value);
