namespace SmartPole.Telemetry;

/// <summary>A line of line protocol read back: its series key (as written), names unescaped, fields typed.</summary>
internal sealed class ParsedLine
{
    public required string Measurement { get; init; }

    /// <summary>The escaped text before the first unescaped space: measurement and tag set, as InfluxDB keys a series.</summary>
    public required string SeriesKey { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; }

    public required IReadOnlyList<ParsedField> Fields { get; init; }

    /// <summary>The timestamp in the line's precision units, or null when the line has none.</summary>
    public long? Timestamp { get; init; }

    public string? TagValue(string key)
    {
        foreach (var (k, v) in Tags)
        {
            if (string.Equals(k, key, StringComparison.Ordinal))
            {
                return v;
            }
        }

        return null;
    }

    public ParsedField? Field(string key)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Key, key, StringComparison.Ordinal))
            {
                return field;
            }
        }

        return null;
    }
}
