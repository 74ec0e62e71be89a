using System.Globalization;

namespace SmartPole.Telemetry;

/// <summary>A typed field value as line protocol writes it.</summary>
internal readonly struct FieldValue
{
    private readonly double _float;
    private readonly long _integer;
    private readonly ulong _unsigned;
    private readonly string? _string;

    private FieldValue(FieldType type, double f, long i, ulong u, string? s)
    {
        Type = type;
        _float = f;
        _integer = i;
        _unsigned = u;
        _string = s;
    }

    public FieldType Type { get; }

    public static FieldValue Of(double value) => new(FieldType.Float, value, 0, 0, null);

    public static FieldValue Of(long value) => new(FieldType.Integer, 0, value, 0, null);

    public static FieldValue Of(ulong value) => new(FieldType.Unsigned, 0, 0, value, null);

    public static FieldValue Of(bool value) => new(FieldType.Boolean, 0, value ? 1 : 0, 0, null);

    public static FieldValue Of(string value) => new(FieldType.String, 0, 0, 0, value);

    public void Append<TSink>(ref TSink sink)
        where TSink : struct, LineProtocol.ISink
    {
        Span<char> buffer = stackalloc char[32];
        switch (Type)
        {
            case FieldType.Float:
                // "R" gives the shortest text that parses back to the same double, as Go's ParseFloat reads it.
                _float.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture);
                sink.Append(buffer[..written]);
                break;
            case FieldType.Integer:
                LineProtocol.AppendInteger(ref sink, _integer);
                sink.Append('i');
                break;
            case FieldType.Unsigned:
                _unsigned.TryFormat(buffer, out written, default, CultureInfo.InvariantCulture);
                sink.Append(buffer[..written]);
                sink.Append('u');
                break;
            case FieldType.Boolean:
                sink.Append(_integer != 0 ? "true" : "false");
                break;
            default:
                sink.Append('"');
                LineProtocol.AppendStringField(ref sink, _string!);
                sink.Append('"');
                break;
        }
    }
}
