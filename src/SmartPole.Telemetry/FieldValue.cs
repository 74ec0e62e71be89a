using System.Runtime.CompilerServices;

namespace SmartPole.Telemetry;

/// <summary>A typed field value as line protocol writes it: 24 bytes, the number's bits shared by the numeric types.</summary>
internal readonly struct FieldValue
{
    private readonly ulong _bits;
    private readonly string? _string;

    private FieldValue(FieldType type, ulong bits, string? s)
    {
        Type = type;
        _bits = bits;
        _string = s;
    }

    public FieldType Type { get; }

    public static FieldValue Of(double value) => new(FieldType.Float, BitConverter.DoubleToUInt64Bits(value), null);

    public static FieldValue Of(long value) => new(FieldType.Integer, unchecked((ulong)value), null);

    public static FieldValue Of(ulong value) => new(FieldType.Unsigned, value, null);

    public static FieldValue Of(bool value) => new(FieldType.Boolean, value ? 1UL : 0UL, null);

    public static FieldValue Of(string value) => new(FieldType.String, 0, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append<TSink>(ref TSink sink)
        where TSink : struct, LineProtocol.ISink
    {
        switch (Type)
        {
            case FieldType.Float:
                sink.Append(BitConverter.UInt64BitsToDouble(_bits));
                break;
            case FieldType.Integer:
                sink.Append(unchecked((long)_bits));
                sink.Append('i');
                break;
            case FieldType.Unsigned:
                sink.Append(_bits);
                sink.Append('u');
                break;
            case FieldType.Boolean:
                sink.Append(_bits != 0 ? "true" : "false");
                break;
            default:
                sink.Append('"');
                LineProtocol.AppendStringField(ref sink, _string!);
                sink.Append('"');
                break;
        }
    }
}
