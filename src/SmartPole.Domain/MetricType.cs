namespace SmartPole.Domain;

/// <summary>The type of a metric; it fixes the InfluxDB field type.</summary>
public enum MetricType : byte
{
    /// <summary>Floating point (InfluxDB float field). Also the type of unknown metrics of a known kind.</summary>
    Float,

    /// <summary>Whole number (InfluxDB integer field, <c>12i</c>).</summary>
    Integer,

    /// <summary>true/false; the wire also accepts 1/0 (InfluxDB boolean field).</summary>
    Boolean,
}
