using System.Globalization;

namespace SmartPole.Domain.Telemetry;

/// <summary>A typed metric value in 16 bytes: a float, an integer or a boolean.</summary>
public readonly struct MetricValue : IEquatable<MetricValue>
{
    private readonly long _bits;

    private MetricValue(MetricType type, long bits)
    {
        Type = type;
        _bits = bits;
    }

    /// <summary>The value's type.</summary>
    public MetricType Type { get; }

    /// <summary>A float value.</summary>
    public static MetricValue FromFloat(double value) => new(MetricType.Float, BitConverter.DoubleToInt64Bits(value));

    /// <summary>An integer value.</summary>
    public static MetricValue FromInteger(long value) => new(MetricType.Integer, value);

    /// <summary>A boolean value.</summary>
    public static MetricValue FromBoolean(bool value) => new(MetricType.Boolean, value ? 1 : 0);

    /// <summary>The value as a number (true = 1, false = 0), for charts and thresholds.</summary>
    public double AsDouble() => Type switch
    {
        MetricType.Float => BitConverter.Int64BitsToDouble(_bits),
        _ => _bits,
    };

    /// <summary>The integer value; for other types the number truncated.</summary>
    public long AsInteger() => Type == MetricType.Float ? (long)BitConverter.Int64BitsToDouble(_bits) : _bits;

    /// <summary>The boolean value (non-zero is true).</summary>
    public bool AsBoolean() => Type == MetricType.Float ? BitConverter.Int64BitsToDouble(_bits) != 0 : _bits != 0;

    /// <summary>The value as a JSON-friendly object: bool, long or double.</summary>
    public object ToObject() => Type switch
    {
        MetricType.Boolean => AsBoolean(),
        MetricType.Integer => _bits,
        _ => AsDouble(),
    };

    /// <inheritdoc />
    public bool Equals(MetricValue other) => Type == other.Type && _bits == other._bits;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MetricValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, _bits);

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        MetricType.Boolean => AsBoolean() ? "true" : "false",
        MetricType.Integer => _bits.ToString(CultureInfo.InvariantCulture),
        _ => AsDouble().ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Equality.</summary>
    public static bool operator ==(MetricValue left, MetricValue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MetricValue left, MetricValue right) => !left.Equals(right);
}
