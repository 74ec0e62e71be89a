namespace SmartPole.Telemetry;

/// <summary>How a <see cref="SeriesQuery"/> reduces the points of a window (the InfluxQL function of the same name).</summary>
public enum SeriesAggregate
{
    /// <summary>Arithmetic mean (the default of windowed queries).</summary>
    Mean,

    /// <summary>Smallest value.</summary>
    Min,

    /// <summary>Largest value.</summary>
    Max,

    /// <summary>Earliest value.</summary>
    First,

    /// <summary>Latest value.</summary>
    Last,

    /// <summary>Sum of the values.</summary>
    Sum,

    /// <summary>Largest minus smallest value: a cumulative counter's increase (energy per day).</summary>
    Spread,

    /// <summary>Number of values.</summary>
    Count,
}
