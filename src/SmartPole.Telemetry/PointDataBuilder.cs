namespace SmartPole.Telemetry;

/// <summary>
/// Builds a <see cref="PointData"/> in place, for hot paths: where every <see cref="PointData"/> builder call
/// copies the point, this keeps growing two sorted arrays and allocates the point once in <see cref="ToPoint"/>.
/// Refuses the same names and values as <see cref="PointData"/>. Not thread-safe; reusable after <see cref="Reset"/>.
/// </summary>
public sealed class PointDataBuilder
{
    private string _measurement = "";
    private KeyValuePair<string, string>[] _tags;
    private KeyValuePair<string, FieldValue>[] _fields;
    private int _tagCount;
    private int _fieldCount;

    /// <summary>Starts a point of measurement <paramref name="measurement"/>; the capacities (default 4 and 8) only avoid regrowth.</summary>
    public PointDataBuilder(string measurement, int tagCapacity = 4, int fieldCapacity = 8)
    {
        _tags = new KeyValuePair<string, string>[Math.Max(1, tagCapacity)];
        _fields = new KeyValuePair<string, FieldValue>[Math.Max(1, fieldCapacity)];
        Reset(measurement);
    }

    /// <summary>Forgets the tags and fields and starts a point of measurement <paramref name="measurement"/>.</summary>
    public PointDataBuilder Reset(string measurement)
    {
        LineProtocol.ValidateName(measurement, LineProtocol.NameKind.Measurement, nameof(measurement));
        _measurement = measurement;
        Array.Clear(_tags, 0, _tagCount);
        Array.Clear(_fields, 0, _fieldCount);
        _tagCount = 0;
        _fieldCount = 0;
        return this;
    }

    /// <summary>Adds or replaces tag <paramref name="key"/>; a null or empty value leaves the tag out (InfluxDB has no empty tags).</summary>
    public PointDataBuilder Tag(string key, string? value)
    {
        LineProtocol.ValidateName(key, LineProtocol.NameKind.Key, nameof(key));
        if (string.IsNullOrEmpty(value))
        {
            Remove(_tags, ref _tagCount, key);
            return this;
        }

        LineProtocol.ValidateName(value, LineProtocol.NameKind.Key, nameof(value));
        Set(ref _tags, ref _tagCount, key, value);
        return this;
    }

    /// <summary>Sets float field <paramref name="key"/>; NaN and infinities are refused.</summary>
    public PointDataBuilder Field(string key, double value) => SetField(key, PointData.FloatValue(key, value));

    /// <summary>Sets integer field <paramref name="key"/> (written as <c>12i</c>).</summary>
    public PointDataBuilder Field(string key, long value) => SetField(key, FieldValue.Of(value));

    /// <summary>Sets unsigned field <paramref name="key"/> (written as <c>12u</c>; InfluxDB 1.x before 1.8 refuses it).</summary>
    public PointDataBuilder Field(string key, ulong value) => SetField(key, FieldValue.Of(value));

    /// <summary>Sets boolean field <paramref name="key"/>.</summary>
    public PointDataBuilder Field(string key, bool value) => SetField(key, FieldValue.Of(value));

    /// <summary>Sets string field <paramref name="key"/>; quotes and backslashes are escaped, newlines refused.</summary>
    public PointDataBuilder Field(string key, string value) => SetField(key, PointData.StringValue(key, value));

    /// <summary>The point built so far, stamped <paramref name="timestamp"/> in <paramref name="precision"/>.</summary>
    public PointData ToPoint(DateTimeOffset timestamp, WritePrecision precision = WritePrecision.Milliseconds) =>
        PointData.Create(_measurement, _tags.AsSpan(0, _tagCount).ToArray(), _fields.AsSpan(0, _fieldCount).ToArray(), timestamp, precision);

    private PointDataBuilder SetField(string key, FieldValue value)
    {
        LineProtocol.ValidateName(key, LineProtocol.NameKind.Key, nameof(key));
        Set(ref _fields, ref _fieldCount, key, value);
        return this;
    }

    // Kept sorted by key (ordinal), as PointData keeps them: an insertion into a few entries beats a sort at the end.
    private static void Set<T>(ref KeyValuePair<string, T>[] items, ref int count, string key, T value)
    {
        var at = 0;
        while (at < count)
        {
            var order = string.CompareOrdinal(items[at].Key, key);
            if (order == 0)
            {
                items[at] = new(key, value);
                return;
            }

            if (order > 0)
            {
                break;
            }

            at++;
        }

        if (count == items.Length)
        {
            Array.Resize(ref items, items.Length * 2);
        }

        Array.Copy(items, at, items, at + 1, count - at);
        items[at] = new(key, value);
        count++;
    }

    private static void Remove<T>(KeyValuePair<string, T>[] items, ref int count, string key)
    {
        for (var i = 0; i < count; i++)
        {
            if (string.Equals(items[i].Key, key, StringComparison.Ordinal))
            {
                Array.Copy(items, i + 1, items, i, count - i - 1);
                items[--count] = default;
                return;
            }
        }
    }
}
