using System.Buffers;
using System.Globalization;
using System.Text;

namespace SmartPole.Telemetry;

/// <summary>
/// Escaping rules of InfluxDB line protocol. Measurements escape commas and spaces; tag keys, tag values and
/// field keys also escape equals signs; string field values escape double quotes and backslashes. Elsewhere a
/// backslash is literal, which is why one directly before a delimiter (or at the end) cannot be written and is refused.
/// </summary>
internal static class LineProtocol
{
    private static readonly SearchValues<char> MeasurementSpecials = SearchValues.Create(", ");
    private static readonly SearchValues<char> KeySpecials = SearchValues.Create(",= ");
    private static readonly SearchValues<char> StringSpecials = SearchValues.Create("\"\\");
    private static readonly double[] PowersOfTen = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

    internal enum NameKind
    {
        Measurement,
        Key,
    }

    /// <summary>Where a line is written: UTF-8 bytes (the writers' batches) or a StringBuilder (text for humans and tests).</summary>
    internal interface ISink
    {
        void Append(char ascii);

        void Append(ReadOnlySpan<char> text);

        /// <summary>A measurement, key or tag value, escaped as <paramref name="kind"/> requires.</summary>
        void AppendName(string name, NameKind kind);

        /// <summary>The shortest text that reads back as the same double (Go's ParseFloat reads it the same way).</summary>
        void Append(double value);

        void Append(long value);

        void Append(ulong value);
    }

    public static void ValidateName(string value, NameKind kind, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, parameter);
        if (value.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            throw new ArgumentException($"'{value}' contains a line break, which line protocol cannot carry.", parameter);
        }

        if (kind == NameKind.Measurement && value[0] == '#')
        {
            throw new ArgumentException($"Measurement '{value}' starts with '#', which line protocol reads as a comment.", parameter);
        }

        var specials = kind == NameKind.Measurement ? MeasurementSpecials : KeySpecials;
        for (var i = value.IndexOf('\\', StringComparison.Ordinal); i >= 0; i = value.IndexOf('\\', i + 1))
        {
            if (i == value.Length - 1 || specials.Contains(value[i + 1]))
            {
                throw new ArgumentException(
                    $"'{value}' has a backslash before a delimiter or at its end, which line protocol cannot carry.", parameter);
            }
        }
    }

    public static void AppendEscaped<TSink>(ref TSink sink, string value, NameKind kind)
        where TSink : struct, ISink
    {
        var specials = kind == NameKind.Measurement ? MeasurementSpecials : KeySpecials;
        AppendWithEscapes(ref sink, value, specials);
    }

    /// <summary>
    /// Writes <paramref name="value"/> as the fewest decimals (up to six) that read back as the same double, when
    /// there are such and the value is in the range where that is also the shortest round-trip text ("R" writes the
    /// same): far cheaper than the general shortest-digits search, and sensor readings nearly always qualify.
    /// </summary>
    public static bool TryFormatShortDecimal(double value, Span<byte> destination, out int written)
    {
        written = 0;
        var magnitude = Math.Abs(value);
        if (!(magnitude >= 1e-4 && magnitude < 1e15))
        {
            return false;
        }

        for (var decimals = 0; decimals < PowersOfTen.Length; decimals++)
        {
            var scaled = Math.Round(magnitude * PowersOfTen[decimals]);
            if (scaled >= 9e15)
            {
                return false;
            }

            // Division by an exact power of ten rounds correctly, as parsing the decimal text does: equal means it reads back.
            if (scaled / PowersOfTen[decimals] != magnitude)
            {
                continue;
            }

            written = WriteScaled((ulong)scaled, decimals, value < 0, destination);
            return true;
        }

        return false;
    }

    // Writes scaled / 10^decimals as decimal text, backwards from its last digit: the digits are produced once, in place.
    private static int WriteScaled(ulong scaled, int decimals, bool negative, Span<byte> destination)
    {
        var digits = 1;
        for (var rest = scaled / 10; rest != 0; rest /= 10)
        {
            digits++;
        }

        var sign = negative ? 1 : 0;
        var length = sign + Math.Max(1, digits - decimals) + (decimals > 0 ? decimals + 1 : 0);
        var at = length;
        for (var i = 0; i < decimals; i++)
        {
            destination[--at] = (byte)('0' + (int)(scaled % 10));
            scaled /= 10;
        }

        if (decimals > 0)
        {
            destination[--at] = (byte)'.';
        }

        do
        {
            destination[--at] = (byte)('0' + (int)(scaled % 10));
            scaled /= 10;
        }
        while (scaled != 0);

        if (negative)
        {
            destination[0] = (byte)'-';
        }

        return length;
    }

    /// <summary>The escaped UTF-8 bytes of a name or tag value.</summary>
    public static byte[] EscapedUtf8(string name, NameKind kind)
    {
        var text = new StringBuilder(name.Length + 4);
        var sink = new StringBuilderSink(text);
        AppendEscaped(ref sink, name, kind);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static void AppendStringField<TSink>(ref TSink sink, string value)
        where TSink : struct, ISink => AppendWithEscapes(ref sink, value, StringSpecials);

    /// <summary>The timestamp as a count of <paramref name="precision"/> units since the Unix epoch, floored.</summary>
    public static long ToUnix(DateTimeOffset time, WritePrecision precision)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return precision switch
        {
            WritePrecision.Nanoseconds => ticks * 100,
            WritePrecision.Microseconds => FloorDiv(ticks, 10),
            WritePrecision.Milliseconds => FloorDiv(ticks, TimeSpan.TicksPerMillisecond),
            _ => FloorDiv(ticks, TimeSpan.TicksPerSecond),
        };
    }

    /// <summary>The instant <paramref name="value"/> units of <paramref name="precision"/> after the Unix epoch.</summary>
    public static DateTimeOffset FromUnix(long value, WritePrecision precision)
    {
        var ticks = precision switch
        {
            WritePrecision.Nanoseconds => FloorDiv(value, 100),
            WritePrecision.Microseconds => value * 10,
            WritePrecision.Milliseconds => value * TimeSpan.TicksPerMillisecond,
            _ => value * TimeSpan.TicksPerSecond,
        };
        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + ticks, TimeSpan.Zero);
    }

    /// <summary>The <c>precision</c> query value of the v1 write API.</summary>
    public static string V1Name(WritePrecision precision) => precision switch
    {
        WritePrecision.Nanoseconds => "n",
        WritePrecision.Microseconds => "u",
        WritePrecision.Milliseconds => "ms",
        _ => "s",
    };

    /// <summary>The <c>precision</c> query value of the v2 write API.</summary>
    public static string V2Name(WritePrecision precision) => precision switch
    {
        WritePrecision.Nanoseconds => "ns",
        WritePrecision.Microseconds => "us",
        WritePrecision.Milliseconds => "ms",
        _ => "s",
    };

    public static long FloorDiv(long value, long divisor)
    {
        var quotient = Math.DivRem(value, divisor, out var remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    private static void AppendWithEscapes<TSink>(ref TSink sink, string value, SearchValues<char> specials)
        where TSink : struct, ISink
    {
        var rest = value.AsSpan();
        while (true)
        {
            var at = rest.IndexOfAny(specials);
            if (at < 0)
            {
                sink.Append(rest);
                return;
            }

            sink.Append(rest[..at]);
            sink.Append('\\');
            sink.Append(rest[at]);
            rest = rest[(at + 1)..];
        }
    }

    internal readonly struct StringBuilderSink(StringBuilder builder) : ISink
    {
        public void Append(char ascii) => builder.Append(ascii);

        public void Append(ReadOnlySpan<char> text) => builder.Append(text);

        public void AppendName(string name, NameKind kind)
        {
            var self = this;
            AppendEscaped(ref self, name, kind);
        }

        public void Append(double value)
        {
            Span<byte> ascii = stackalloc byte[32];
            if (TryFormatShortDecimal(value, ascii, out var written))
            {
                Span<char> text = stackalloc char[written];
                System.Text.Ascii.ToUtf16(ascii[..written], text, out _);
                builder.Append(text);
                return;
            }

            AppendFormatted(value, "R");
        }

        public void Append(long value) => AppendFormatted(value, default);

        public void Append(ulong value) => AppendFormatted(value, default);

        private void AppendFormatted<T>(T value, ReadOnlySpan<char> format)
            where T : ISpanFormattable
        {
            Span<char> buffer = stackalloc char[32];
            value.TryFormat(buffer, out var written, format, CultureInfo.InvariantCulture);
            builder.Append(buffer[..written]);
        }
    }

    /// <summary>Writes straight into a <see cref="LineBuffer"/>: no intermediate strings or char buffers, and no interface call per byte.</summary>
    internal readonly struct Utf8Sink(LineBuffer buffer) : ISink
    {
        public void Append(char ascii) => buffer.Append((byte)ascii);

        public void Append(ReadOnlySpan<char> text)
        {
            if (!text.IsEmpty)
            {
                buffer.Advance(Encoding.UTF8.GetBytes(text, buffer.GetSpan(text.Length * 3)));
            }
        }

        public void AppendName(string name, NameKind kind)
        {
            if (EscapedNameCache.Get(name, kind) is { } bytes)
            {
                buffer.Append(bytes);
                return;
            }

            var self = this;
            AppendEscaped(ref self, name, kind);
        }

        public void Append(double value)
        {
            var span = buffer.GetSpan(32);
            if (TryFormatShortDecimal(value, span, out var written))
            {
                buffer.Advance(written);
                return;
            }

            AppendFormatted(value, "R");
        }

        public void Append(long value) => AppendFormatted(value, default);

        public void Append(ulong value) => AppendFormatted(value, default);

        private void AppendFormatted<T>(T value, ReadOnlySpan<char> format)
            where T : IUtf8SpanFormattable
        {
            var span = buffer.GetSpan(32);
            value.TryFormat(span, out var written, format, CultureInfo.InvariantCulture);
            buffer.Advance(written);
        }
    }
}
