namespace SmartPole.Telemetry;

/// <summary>The unit of a point's timestamp in line protocol (and of the write request's <c>precision</c>).</summary>
public enum WritePrecision
{
    /// <summary>Nanoseconds since the Unix epoch (InfluxDB's default).</summary>
    Nanoseconds,

    /// <summary>Microseconds since the Unix epoch.</summary>
    Microseconds,

    /// <summary>Milliseconds since the Unix epoch (the platform's choice and the embedded store's format).</summary>
    Milliseconds,

    /// <summary>Seconds since the Unix epoch.</summary>
    Seconds,
}
