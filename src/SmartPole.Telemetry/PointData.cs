using System.Buffers;
using System.Text;

namespace SmartPole.Telemetry;

/// <summary>
/// One point in InfluxDB's line protocol: a measurement, tags, typed fields and an optional timestamp.
/// Immutable: every builder method returns a new instance, so a half-built point can be shared as a template.
/// Names and values that line protocol cannot carry (newlines, a backslash before a delimiter) are refused
/// when they are set, with an <see cref="ArgumentException"/> naming them, never silently changed.
/// </summary>
public sealed class PointData
{
    private readonly string _measurement;
    private readonly KeyValuePair<string, string>[] _tags;
    private readonly KeyValuePair<string, FieldValue>[] _fields;
    private readonly DateTimeOffset? _time;
    private readonly WritePrecision _precision;

    [ThreadStatic]
    private static LineBuffer? t_scratch;

    private PointData(
        string measurement,
        KeyValuePair<string, string>[] tags,
        KeyValuePair<string, FieldValue>[] fields,
        DateTimeOffset? time,
        WritePrecision precision)
    {
        _measurement = measurement;
        _tags = tags;
        _fields = fields;
        _time = time;
        _precision = precision;
    }

    /// <summary>The measurement name.</summary>
    public string MeasurementName => _measurement;

    /// <summary>The tags, sorted by key.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags => _tags;

    /// <summary>Whether at least one field is set (InfluxDB refuses a point without fields).</summary>
    public bool HasFields => _fields.Length > 0;

    /// <summary>The timestamp, or null when none was set (a writer then stamps the point when it is enqueued).</summary>
    public DateTimeOffset? Time => _time;

    /// <summary>The precision the timestamp is written in (default milliseconds).</summary>
    public WritePrecision Precision => _precision;

    /// <summary>Starts a point of measurement <paramref name="name"/>.</summary>
    public static PointData Measurement(string name)
    {
        LineProtocol.ValidateName(name, LineProtocol.NameKind.Measurement, nameof(name));
        return new PointData(name, [], [], null, WritePrecision.Milliseconds);
    }

    /// <summary>Adds or replaces tag <paramref name="key"/>; a null or empty value removes it (InfluxDB has no empty tags).</summary>
    public PointData Tag(string key, string? value)
    {
        LineProtocol.ValidateName(key, LineProtocol.NameKind.Key, nameof(key));
        if (string.IsNullOrEmpty(value))
        {
            var index = Find(_tags, key);
            return index < 0 ? this : new PointData(_measurement, Without(_tags, index), _fields, _time, _precision);
        }

        LineProtocol.ValidateName(value, LineProtocol.NameKind.Key, nameof(value));
        return new PointData(_measurement, With(_tags, key, value), _fields, _time, _precision);
    }

    /// <summary>Sets float field <paramref name="key"/>. NaN and infinities are refused: line protocol has no way to write them.</summary>
    public PointData Field(string key, double value) => WithField(key, FloatValue(key, value));

    /// <summary>Sets integer field <paramref name="key"/> (written as <c>12i</c>).</summary>
    public PointData Field(string key, long value) => WithField(key, FieldValue.Of(value));

    /// <summary>Sets unsigned field <paramref name="key"/> (written as <c>12u</c>; InfluxDB 1.x before 1.8 refuses it).</summary>
    public PointData Field(string key, ulong value) => WithField(key, FieldValue.Of(value));

    /// <summary>Sets boolean field <paramref name="key"/>.</summary>
    public PointData Field(string key, bool value) => WithField(key, FieldValue.Of(value));

    /// <summary>Sets string field <paramref name="key"/>; quotes and backslashes are escaped, newlines refused.</summary>
    public PointData Field(string key, string value) => WithField(key, StringValue(key, value));

    /// <summary>Sets the timestamp, written in <paramref name="precision"/> (truncated towards the past).</summary>
    public PointData Timestamp(DateTimeOffset ts, WritePrecision precision) => new(_measurement, _tags, _fields, ts, precision);

    /// <summary>Appends this point as one line of line protocol, without the trailing newline.</summary>
    public void WriteLineProtocol(StringBuilder target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var sink = new LineProtocol.StringBuilderSink(target);
        WriteCore(ref sink, _precision, _time);
    }

    /// <summary>Writes this point as one UTF-8 line of line protocol, without the trailing newline.</summary>
    public void WriteLineProtocol(IBufferWriter<byte> target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target is LineBuffer lines)
        {
            WriteLineProtocol(lines, _precision, _time);
            return;
        }

        // Formatted whole, then copied: a line that fails half-way leaves nothing in the caller's writer.
        var scratch = t_scratch ??= new LineBuffer(256);
        scratch.Clear();
        WriteLineProtocol(scratch, _precision, _time);
        target.Write(scratch.WrittenSpan);
    }

    /// <summary>This point as one line of line protocol, without the trailing newline.</summary>
    public string ToLineProtocol()
    {
        var builder = new StringBuilder(64);
        WriteLineProtocol(builder);
        return builder.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToLineProtocol();

    /// <summary>A point of already validated names and values, tags and fields sorted by key (see <see cref="PointDataBuilder"/>).</summary>
    internal static PointData Create(
        string measurement, KeyValuePair<string, string>[] tags, KeyValuePair<string, FieldValue>[] fields, DateTimeOffset time, WritePrecision precision) =>
        new(measurement, tags, fields, time, precision);

    /// <summary>A float field value; NaN and infinities are refused because line protocol has no way to write them.</summary>
    internal static FieldValue FloatValue(string key, double value) =>
        double.IsFinite(value)
            ? FieldValue.Of(value)
            : throw new ArgumentException($"Field '{key}' is {value}: InfluxDB line protocol accepts only finite floats.", nameof(value));

    /// <summary>A string field value; line breaks are refused because line protocol cannot carry them.</summary>
    internal static FieldValue StringValue(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.AsSpan().IndexOfAny('\n', '\r') < 0
            ? FieldValue.Of(value)
            : throw new ArgumentException($"Field '{key}' contains a line break, which line protocol cannot carry.", nameof(value));
    }

    /// <summary>Writes the line in <paramref name="precision"/>, stamping <paramref name="defaultTime"/> when the point has no timestamp.</summary>
    internal void WriteLineProtocol(LineBuffer target, WritePrecision precision, DateTimeOffset? defaultTime)
    {
        var sink = new LineProtocol.Utf8Sink(target);
        WriteCore(ref sink, precision, _time ?? defaultTime);
    }

    /// <summary>Writes the line in <paramref name="precision"/>, stamping <paramref name="defaultTime"/> when the point has no timestamp.</summary>
    internal void WriteLineProtocol(StringBuilder target, WritePrecision precision, DateTimeOffset defaultTime)
    {
        var sink = new LineProtocol.StringBuilderSink(target);
        WriteCore(ref sink, precision, _time ?? defaultTime);
    }

    private void WriteCore<TSink>(ref TSink sink, WritePrecision precision, DateTimeOffset? time)
        where TSink : struct, LineProtocol.ISink
    {
        if (_fields.Length == 0)
        {
            throw new InvalidOperationException($"Point '{_measurement}' has no fields; InfluxDB refuses a point without fields.");
        }

        sink.AppendName(_measurement, LineProtocol.NameKind.Measurement);
        foreach (var (key, value) in _tags)
        {
            sink.Append(',');
            sink.AppendName(key, LineProtocol.NameKind.Key);
            sink.Append('=');
            sink.AppendName(value, LineProtocol.NameKind.Key);
        }

        var separator = ' ';
        foreach (var (key, value) in _fields)
        {
            sink.Append(separator);
            separator = ',';
            sink.AppendName(key, LineProtocol.NameKind.Key);
            sink.Append('=');
            value.Append(ref sink);
        }

        if (time is { } t)
        {
            sink.Append(' ');
            sink.Append(LineProtocol.ToUnix(t, precision));
        }
    }

    private PointData WithField(string key, FieldValue value)
    {
        LineProtocol.ValidateName(key, LineProtocol.NameKind.Key, nameof(key));
        return new PointData(_measurement, _tags, With(_fields, key, value), _time, _precision);
    }

    private static int Find<T>(KeyValuePair<string, T>[] items, string key)
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (string.Equals(items[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    // Sorted by key (ordinal, as InfluxDB recommends) so that equal points give equal lines.
    private static KeyValuePair<string, T>[] With<T>(KeyValuePair<string, T>[] items, string key, T value)
    {
        var index = Find(items, key);
        if (index >= 0)
        {
            var replaced = (KeyValuePair<string, T>[])items.Clone();
            replaced[index] = new(key, value);
            return replaced;
        }

        var result = new KeyValuePair<string, T>[items.Length + 1];
        var at = 0;
        while (at < items.Length && string.CompareOrdinal(items[at].Key, key) < 0)
        {
            result[at] = items[at];
            at++;
        }

        result[at] = new(key, value);
        Array.Copy(items, at, result, at + 1, items.Length - at);
        return result;
    }

    private static KeyValuePair<string, T>[] Without<T>(KeyValuePair<string, T>[] items, int index)
    {
        var result = new KeyValuePair<string, T>[items.Length - 1];
        Array.Copy(items, 0, result, 0, index);
        Array.Copy(items, index + 1, result, index, items.Length - index - 1);
        return result;
    }
}
